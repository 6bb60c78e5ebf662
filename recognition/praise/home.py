"""Home page panels: praise waiting for a manager to celebrate it, and what customers said about me lately."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from flashpoint.timeutil import utcnow
from recognition.praise.inbox import praise_about, waiting_praise

WAITING_DAYS = 30


def praise_for_me_panel(user) -> Markup | None:
    recent = praise_about(user, since=utcnow() - timedelta(days=30))
    if not recent:
        return None
    return Markup(render_template("praise/_me_panel.html", items=recent[:3], total=len(recent)))


def praise_waiting_panel(user) -> Markup | None:
    """A manager's first question: which of my people did customers praise, ready to celebrate."""
    count, items = waiting_praise(user, utcnow() - timedelta(days=WAITING_DAYS))
    if not count:
        return None
    return Markup(render_template("praise/_waiting_panel.html", items=items, count=count, days=WAITING_DAYS))
