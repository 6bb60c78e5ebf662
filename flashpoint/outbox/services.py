"""Recording notifications. Domain code calls `record_notification` inside its own transaction;
nothing is sent here, so a rolled-back change never leaves a message behind."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification, State
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow

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


# Recipients' counts are read in chunks: SQLite caps the bound parameters of one statement.
_COUNT_CHUNK = 500


def previous_counts(kinds: Iterable[str], recipients: Iterable[User | None]) -> dict[tuple[str, int], int]:
    """How many notifications of each kind each recipient already has, in one GROUP BY query
    (per 500 recipients): {(kind, user id): count}, leaving out the zeros. Notifications added
    earlier in this transaction count: the session flushes them before it asks."""
    kinds = sorted(set(kinds))
    ids = sorted({r.id for r in recipients if r is not None and r.id is not None})
    counts: dict[tuple[str, int], int] = {}
    for start in range(0, len(ids) if kinds else 0, _COUNT_CHUNK):
        rows = db.session.execute(
            db.select(Notification.kind, Notification.recipient_id, func.count(Notification.id))
            .where(Notification.kind.in_(kinds), Notification.recipient_id.in_(ids[start:start + _COUNT_CHUNK]))
            .group_by(Notification.kind, Notification.recipient_id))
        for kind, user_id, count in rows:
            counts[(kind, user_id)] = count
    return counts


class VariedWordings:
    """`varied` for a batch: every recipient's count per kind is read once, in one query, then
    advanced here as notifications are recorded, so each wording chosen is the one `varied`
    would choose were the notifications recorded one by one.

        wordings = VariedWordings(["idea.status_changed"], people)
        for person in people:
            text = wordings.pick("idea.status_changed", person, WORDINGS, title=idea.title)
            note = record_notification("idea.status_changed", ..., text, recipient=person)
            wordings.recorded("idea.status_changed", person, note)
    """

    def __init__(self, kinds: Iterable[str], recipients: Iterable[User | None]) -> None:
        self.counts = previous_counts(kinds, recipients)

    def pick(self, kind: str, recipient: User | None, wordings: list[str], **values) -> str:
        """The next wording of this kind for this person, filled with `values`."""
        if not wordings:
            raise ValueError("at least one wording is needed")
        count = 0 if recipient is None else self.counts.get((kind, recipient.id), 0)
        return wordings[count % len(wordings)].format(**values)

    def recorded(self, kind: str, recipient: User | None, note: Notification | None) -> None:
        """Count a notification just recorded (None: its dedupe key was there, nothing was added)."""
        if note is not None and recipient is not None:
            self.counts[(kind, recipient.id)] = self.counts.get((kind, recipient.id), 0) + 1


def varied(kind: str, recipient: User | None, wordings: list[str], **values) -> str:
    """Pick the next of several wordings for this person and kind, so nobody reads the same
    script twice in a row (automation is not always your friend)."""
    return VariedWordings([kind], [recipient]).pick(kind, recipient, wordings, **values)


def varied_for(kind: str, recipients: Iterable[User], wordings: list[str], **values) -> dict[int, str]:
    """`varied` for many people at once, in one query: {user id: the wording `varied` would pick}."""
    recipients = list(recipients)
    batch = VariedWordings([kind], recipients)
    return {person.id: batch.pick(kind, person, wordings, **values) for person in recipients}
