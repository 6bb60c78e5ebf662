"""What people see about themselves: ideas waiting for them as owner, the ideas they proposed, and
news on the ideas they proposed, voted for or follow."""
from __future__ import annotations

from datetime import datetime

from engagement.ideas.models import OPEN_STATUSES, Idea, IdeaEvent, IdeaFollower, IdeaVote
from flashpoint.extensions import db
from flashpoint.people.models import User


def waiting_for(owner: User, limit: int = 8) -> list[Idea]:
    return db.session.scalars(
        db.select(Idea).where(Idea.owner_id == owner.id, Idea.status.in_(OPEN_STATUSES))
        .order_by(Idea.status_changed_at, Idea.id).limit(limit)).all()


def my_ideas(user: User, limit: int = 8) -> list[Idea]:
    return db.session.scalars(
        db.select(Idea).where(Idea.submitter_id == user.id)
        .order_by(Idea.updated_at.desc(), Idea.id.desc()).limit(limit)).all()


def updates_for(user: User, since: datetime, limit: int = 8) -> list[IdeaEvent]:
    """Status changes on ideas I proposed, voted for or follow."""
    voted = db.select(IdeaVote.idea_id).where(IdeaVote.user_id == user.id)
    followed = db.select(IdeaFollower.idea_id).where(IdeaFollower.user_id == user.id)
    mine = db.select(Idea.id).where(Idea.submitter_id == user.id)
    return db.session.scalars(
        db.select(IdeaEvent).where(
            IdeaEvent.event == "status", IdeaEvent.created_at >= since,
            (IdeaEvent.actor_id.is_(None)) | (IdeaEvent.actor_id != user.id),
            IdeaEvent.idea_id.in_(voted.union(followed, mine)))
        .order_by(IdeaEvent.created_at.desc(), IdeaEvent.id.desc()).limit(limit)).all()
