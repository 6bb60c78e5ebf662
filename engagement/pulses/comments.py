"""Pulse comment threads: replies to an anonymous comment and the author's answers, each side told
in their notifications without the author being named."""
from __future__ import annotations

from engagement.pulses import results
from engagement.pulses.errors import PulseError
from engagement.pulses.models import PulseComment, PulseCommentAuthor, PulseCommentReply
from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import User
from flashpoint.permissions import can

COMMENT_MAX = 2000


def is_comment_author(user: User, comment: PulseComment) -> bool:
    return db.session.scalar(db.select(PulseCommentAuthor.user_id).where(
        PulseCommentAuthor.comment_id == comment.id)) == user.id


def reply_to_comment(comment: PulseComment, user: User, body: str) -> PulseCommentReply:
    """A manager's (or HR's) reply; the anonymous author is told in their notifications."""
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise PulseError(f"Write a reply of 1 to {COMMENT_MAX} characters.")
    reply = PulseCommentReply(comment_id=comment.id, user_id=user.id, from_author=False, body=body)
    db.session.add(reply)
    author_id = db.session.scalar(db.select(PulseCommentAuthor.user_id).where(
        PulseCommentAuthor.comment_id == comment.id))
    author = db.session.get(User, author_id) if author_id else None
    if author is not None and author.active:
        text = varied("pulse.comment_reply", author, [
            "{name} replied to the comment you left in a pulse. Only you can see it is yours.",
            "Your anonymous pulse comment has a reply from {name}.",
            "{name} answered your pulse comment; you can reply without being named.",
        ], name=user.name)
        record_notification("pulse.comment_reply", "A reply to your pulse comment", text, recipient=author,
                            anonymous_recipient=True, link=f"/pulses/comments/{comment.id}",
                            extra={"comment_id": comment.id})
    db.session.flush()
    return reply


def author_reply(comment: PulseComment, user: User, body: str) -> PulseCommentReply:
    """The anonymous author answers back: stored without their name; the repliers are told."""
    if not is_comment_author(user, comment):
        raise PulseError("Only the comment's author can answer here.")
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise PulseError(f"Write a reply of 1 to {COMMENT_MAX} characters.")
    reply = PulseCommentReply(comment_id=comment.id, user_id=None, from_author=True, body=body)
    db.session.add(reply)
    repliers = {r.user for r in comment.replies if not r.from_author and r.user is not None and r.user.active}
    for person in repliers:
        record_notification("pulse.comment_reply", "The anonymous author answered",
                            "The author of a pulse comment you replied to has answered.",
                            recipient=person, link=f"/pulses/comments/{comment.id}",
                            extra={"comment_id": comment.id})
    db.session.flush()
    return reply


def thread_role(user: User, comment: PulseComment) -> bool | None:
    """True for the comment's anonymous author, False for a manager (or HR) who may reply, None for
    anyone else — and for managers when the comment's team is too small to show comments at all."""
    if is_comment_author(user, comment):
        return True
    if can(user, "reply_pulse_comment", comment) and results.comment_visible(comment):
        return False
    return None


def post_reply(comment: PulseComment, user: User, body: str, *, as_author: bool) -> PulseCommentReply:
    """The author's answer or a manager's reply, as `thread_role` said this person takes part."""
    return author_reply(comment, user, body) if as_author else reply_to_comment(comment, user, body)
