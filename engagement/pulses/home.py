"""Home panels: an open pulse waiting for me (with my own link), and how engaged my people are."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from engagement.pulses import answering, links
from engagement.pulses.pages import engagement_trends
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow


def render_panel(user) -> Markup | None:
    waiting = answering.open_pulses_for(user, utcnow())
    if not waiting:
        return None
    # The link is the person's own one-time link: this panel is only ever rendered for them.
    pulses = [(p.cycle, links.link_for(p)) for p in waiting]
    return Markup(render_template("pulses/_home_panel.html", pulses=pulses))


def engagement_panel(user) -> Markup | None:
    """Managers and HR: engagement month by month and who answered, for their teams or everyone."""
    if not can(user, "view_pulse_results"):
        return None
    trends = engagement_trends(user, utcnow().date())
    if not trends:
        return None
    return Markup(render_template("pulses/_engagement_panel.html", trends=trends))
