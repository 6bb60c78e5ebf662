"""Home page panel: the stories waiting for my decision."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from flashpoint.timeutil import utcnow
from recognition.stories.approvers import pending_for


def pending_approvals_panel(user) -> Markup | None:
    pending = pending_for(user)
    if not pending:
        return None
    return Markup(render_template("heroes/_pending_panel.html", pending=pending, now=utcnow()))
