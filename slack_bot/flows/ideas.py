"""Ideas in Slack: opening the submission modal with the teams to choose from, and filing it.

Who may do what, and anonymity, live in the idea services.
"""
from __future__ import annotations

from engagement.ideas import submission
from engagement.ideas.errors import IdeaError
from engagement.ideas.models import Idea
from flashpoint.extensions import db
from flashpoint.people.models import Team
from slack_bot.answers import open_modal
from slack_bot.blocks.ideas import done_view, idea_modal
from slack_bot.flows import errors, update

# Service error fields → the modal's block ids.
ERROR_BLOCKS = {"title": "title", "description": "description", "kind": "kind", "team": "team", "tags": "tags"}


def open_idea_modal(client, body: dict, respond, person, title: str) -> None:
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    if person.team is not None:
        # The person's own team first: usually the one an idea concerns.
        teams = [person.team] + [t for t in teams if t.id != person.team_id]
    view = idea_modal(teams, title)
    db.session.commit()  # release the connection before the network call
    open_modal(client, body, view, respond)


def submit_idea(person, form: dict, base_url: str) -> tuple[dict, Idea | None]:
    """File the idea from the modal's values: the modal's answer, and the idea once filed."""
    form = dict(form)
    team_slug = form.pop("team_slug")
    team = db.session.scalar(db.select(Team).where(Team.slug == team_slug)) if team_slug else None
    try:
        idea = submission.submit_idea(person, team=team, **form)
        db.session.commit()
    except IdeaError as exc:
        db.session.rollback()
        return errors({ERROR_BLOCKS.get(exc.field or "title", "title"): str(exc)}), None
    return update(done_view(idea, base_url)), idea
