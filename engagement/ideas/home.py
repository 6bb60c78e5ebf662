"""Home page panels: ideas waiting for their owner, news on the ideas I am behind, and for HR the
organisation's ideas by status."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from engagement.ideas import owners, personal
from engagement.ideas.board import status_counts
from flashpoint.permissions import is_hr
from flashpoint.timeutil import utcnow


def render_panel(user) -> Markup | None:
    now = utcnow()
    waiting = personal.waiting_for(user)
    updates = personal.updates_for(user, since=now - timedelta(days=30), limit=5)
    mine = personal.my_ideas(user, limit=5)
    if not (waiting or updates or mine):
        return None
    return Markup(render_template("ideas/_home_panel.html", waiting=waiting, updates=updates, mine=mine,
                                  stale_before=now - owners.REMINDER_AFTER))


def ideas_by_status_panel(user) -> Markup | None:
    """HR: how the organisation's ideas stand, each status a link to the board filtered by it."""
    if not is_hr(user):
        return None
    counts = status_counts()
    if not any(counts.values()):
        return None
    return Markup(render_template("ideas/_status_panel.html", counts=counts))
