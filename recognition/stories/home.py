"""Home page panels: the stories waiting for my decision, and for HR the unsung heroes."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from flashpoint.permissions import is_hr
from flashpoint.timeutil import utcnow
from recognition.stories.approvers import pending_for
from recognition.stories.wall import unsung_heroes


def pending_approvals_panel(user) -> Markup | None:
    pending = pending_for(user)
    if not pending:
        return None
    return Markup(render_template("heroes/_pending_panel.html", pending=pending, now=utcnow()))


def unsung_heroes_panel(user) -> Markup | None:
    """HR: the people customers praise whom no story celebrates yet (the wall's list, its first five)."""
    if not is_hr(user):
        return None
    unsung = unsung_heroes(user, limit=5)
    if not unsung.praised:
        return None
    return Markup(render_template("heroes/_unsung_panel.html", unsung=unsung))
