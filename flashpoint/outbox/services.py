"""Recording notifications. Domain code calls `record_notification` inside its own transaction;
nothing is sent here, so a rolled-back change never leaves a message behind."""
from __future__ import annotations

from sqlalchemy import func

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification, State
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow

# Kinds a person must act on: they can never be muted (approvals, open pulses, invitations).
MUST_ACT_KINDS: set[str] = set()


def must_act(kind: str) -> None:
    """Declare a kind that asks its recipient to act, so preferences cannot mute it."""
    MUST_ACT_KINDS.add(kind)


def record_notification(
    kind: str,
    subject: str,
    text: str,
    *,
    recipient: User | None = None,
    channel: str | None = None,
    link: str | None = None,
    quote: str | None = None,
    secret_url: str | None = None,
    anonymous_recipient: bool = False,
    dedupe_key: str | None = None,
    extra: dict | None = None,
) -> Notification | None:
    """Add a notification to the session (the caller commits).

    `link` is a path inside the app ("/heroes/3"); transports make it absolute with BASE_URL.
    `secret_url` is a one-time link shown to the recipient only. With a `dedupe_key` already
    recorded, nothing is added and None is returned.
    """
    if (recipient is None) == (channel is None):
        raise ValueError("a notification goes to exactly one recipient or one channel")
    if dedupe_key is not None:
        exists = db.session.scalar(
            db.select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        )
        if exists is not None:
            return None
    # Extra keys never override the message itself or where its one-time link lives.
    payload = dict(extra or {})
    payload["text"] = text
    for key, value in (("link", link), ("quote", quote), ("secret_url", secret_url)):
        if value:
            payload[key] = value
        else:
            payload.pop(key, None)
    note = Notification(
        kind=kind,
        subject=subject[:200],
        recipient=recipient,
        channel=channel,
        anonymous_recipient=anonymous_recipient,
        payload=payload,
        dedupe_key=dedupe_key,
        state=State.PENDING.value,
        next_attempt_at=utcnow(),
    )
    db.session.add(note)
    return note


def previous_count(kind: str, recipient: User | None) -> int:
    """How many notifications of this kind the recipient already has (for varied wording)."""
    if recipient is None or recipient.id is None:
        return 0
    return db.session.scalar(
        db.select(func.count(Notification.id)).where(
            Notification.kind == kind, Notification.recipient_id == recipient.id
        )
    ) or 0


def varied(kind: str, recipient: User | None, wordings: list[str], **values) -> str:
    """Pick the next of several wordings for this person and kind, so nobody reads the same
    script twice in a row (automation is not always your friend)."""
    if not wordings:
        raise ValueError("at least one wording is needed")
    index = previous_count(kind, recipient) % len(wordings)
    return wordings[index].format(**values)
