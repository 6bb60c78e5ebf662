"""Following an idea: its news without voting for it."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from engagement.ideas.errors import IdeaError
from engagement.ideas.models import Idea, IdeaFollower
from flashpoint.extensions import db
from flashpoint.people.models import User


def is_following(idea: Idea, user: User) -> bool:
    return db.session.scalar(db.select(IdeaFollower.id).where(
        IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == user.id)) is not None


def follow(idea: Idea, user: User) -> None:
    if is_following(idea, user):
        raise IdeaError("You already follow this idea.")
    try:
        with db.session.begin_nested():
            db.session.add(IdeaFollower(idea_id=idea.id, user_id=user.id))
    except IntegrityError:
        raise IdeaError("You already follow this idea.") from None


def unfollow(idea: Idea, user: User) -> None:
    deleted = db.session.execute(db.delete(IdeaFollower).where(
        IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == user.id)).rowcount
    if not deleted:
        raise IdeaError("You were not following this idea.")
