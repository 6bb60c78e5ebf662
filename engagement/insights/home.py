"""Home page panel for HR: the insights page's answer in one sentence — does engagement go with
customer satisfaction here? — for the default view (CSAT, by month, the last 12 months)."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from engagement.insights.analysis import Query, default_range
from engagement.insights.page import headline
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow


def answer_panel(user) -> Markup | None:
    if not can(user, "view_insights"):
        return None
    start, end = default_range(utcnow().date())
    query = Query(start=start, end=end)
    return Markup(render_template("insights/_home_panel.html", answer=headline(query), query=query))
