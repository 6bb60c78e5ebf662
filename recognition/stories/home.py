"""Home page panels: a manager's pending approvals, and what customers said about me lately."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from recognition.stories import services
from flashpoint.timeutil import utcnow


def pending_approvals_panel(user) -> Markup | None:
    pending = services.pending_for(user)
    if not pending:
        return None
    return Markup(render_template("heroes/_pending_panel.html", pending=pending, now=utcnow()))


def praise_for_me_panel(user) -> Markup | None:
    since = utcnow() - timedelta(days=30)
    recent = [item for item in services.praise_about(user) if item.feedback.received_at >= since]
    if not recent:
        return None
    return Markup(render_template("praise/_me_panel.html", items=recent[:3], total=len(recent)))
