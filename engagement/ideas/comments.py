"""Comments on an idea (an anonymous submitter's own comments stay anonymous)."""
from __future__ import annotations

from engagement.ideas.errors import IdeaError
from engagement.ideas.models import COMMENT_MAX, Idea, IdeaComment
from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow


def add_comment(idea: Idea, author: User, body: str) -> IdeaComment:
    body = (body or "").strip()
    if not body:
        raise IdeaError("Write something first.", "body")
    if len(body) > COMMENT_MAX:
        raise IdeaError(f"A comment can be at most {COMMENT_MAX:,} characters.", "body")
    comment = IdeaComment(idea=idea, author=author, body=body,
                          as_anonymous_author=bool(idea.anonymous and idea.submitter_id == author.id))
    db.session.add(comment)
    idea.updated_at = utcnow()
    return comment
