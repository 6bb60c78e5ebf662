"""The home page panel: this week's customer feedback for the teams a manager looks after."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from markupsafe import Markup

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback


def render_panel(user) -> Markup | None:
    """Managers: per managed team, feedback in the last 7 days and where its poster is."""
    if not user.managed_teams or not can(user, "view_feedback"):
        return None
    team_ids = user.managed_team_ids()
    teams = db.session.scalars(db.select(Team).where(Team.id.in_(team_ids)).order_by(Team.name)).all()
    # Departments have no counter of their own: show the teams that customers actually meet.
    teams = [t for t in teams if not t.children] or teams
    since = utcnow() - timedelta(days=7)
    counts = {team_id: (total, positive) for team_id, total, positive in db.session.execute(
        db.select(Feedback.team_id, db.func.count(Feedback.id),
                  db.func.coalesce(db.func.sum(db.case((Feedback.positive.is_(True), 1), else_=0)), 0))
        .where(Feedback.team_id.in_([t.id for t in teams]), Feedback.received_at >= since)
        .group_by(Feedback.team_id)
    )}
    return Markup(render_template("feedback/_home_panel.html", teams=teams[:8], more=len(teams) - 8,
                                  counts=counts))
