"""The home page panel: ideas waiting for their owner, and news on the ideas I am behind."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from engagement.ideas import owners, personal
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
