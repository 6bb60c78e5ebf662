"""What people see about themselves: ideas waiting for them as owner, the ideas they proposed, and
news on the ideas they proposed, voted for or follow."""
from __future__ import annotations

from datetime import datetime

from engagement.ideas.models import OPEN_STATUSES, Idea, IdeaComment, IdeaEvent, IdeaFollower, IdeaVote
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


def personal_data_ideas(user: User) -> list[dict]:
    """Ideas this person proposed under their name (anonymous ones stay out of every file)."""
    ideas = db.session.scalars(db.select(Idea).where(Idea.submitter_id == user.id, Idea.anonymous.is_(False))
                               .order_by(Idea.created_at))
    return [{"title": i.title, "description": i.description, "kind": i.kind, "status": i.status,
             "created_at": i.created_at} for i in ideas]


def personal_data_votes(user: User) -> list[dict]:
    rows = db.session.execute(db.select(Idea.title, IdeaVote.created_at).join(Idea, Idea.id == IdeaVote.idea_id)
                              .where(IdeaVote.user_id == user.id).order_by(IdeaVote.created_at))
    return [{"idea": title, "voted_at": at} for title, at in rows]


def personal_data_comments(user: User) -> list[dict]:
    rows = db.session.execute(db.select(Idea.title, IdeaComment.body, IdeaComment.created_at)
                              .join(Idea, Idea.id == IdeaComment.idea_id)
                              .where(IdeaComment.author_id == user.id, IdeaComment.as_anonymous_author.is_(False))
                              .order_by(IdeaComment.created_at))
    return [{"idea": title, "comment": body, "written_at": at} for title, body, at in rows]
