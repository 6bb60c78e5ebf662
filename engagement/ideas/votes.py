"""Votes for an idea: casting and withdrawing one (once per person), and counting them."""
from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from engagement.ideas.errors import IdeaError
from engagement.ideas.models import Idea, IdeaVote
from flashpoint.extensions import db
from flashpoint.people.models import User


def vote_count(idea: Idea) -> int:
    return db.session.scalar(db.select(func.count(IdeaVote.id)).where(IdeaVote.idea_id == idea.id)) or 0


def has_voted(idea: Idea, user: User) -> bool:
    return db.session.scalar(db.select(IdeaVote.id).where(
        IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)) is not None


def vote(idea: Idea, user: User) -> IdeaVote:
    if idea.status == "duplicate":
        raise IdeaError(f"This idea is a duplicate: vote for #{idea.duplicate_of_id} instead.")
    if has_voted(idea, user):
        raise IdeaError("You have already voted for this idea.")
    ballot = IdeaVote(idea_id=idea.id, user_id=user.id)
    # The unique constraint decides when two clicks race; the savepoint keeps the session usable.
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
    except IntegrityError:
        raise IdeaError("You have already voted for this idea.") from None
    return ballot


def unvote(idea: Idea, user: User) -> None:
    deleted = db.session.execute(db.delete(IdeaVote).where(
        IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)).rowcount
    if not deleted:
        raise IdeaError("You had not voted for this idea.")
