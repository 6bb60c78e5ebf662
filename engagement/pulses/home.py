"""The home panel: an open pulse waiting for me (with my own link), and HR's pulse status."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from engagement.pulses import answering, links
from flashpoint.timeutil import utcnow


def render_panel(user) -> Markup | None:
    waiting = answering.open_pulses_for(user, utcnow())
    if not waiting:
        return None
    # The link is the person's own one-time link: this panel is only ever rendered for them.
    pulses = [(p.cycle, links.link_for(p)) for p in waiting]
    return Markup(render_template("pulses/_home_panel.html", pulses=pulses))
