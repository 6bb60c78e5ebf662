"""Recording notifications. Domain code calls `record_notification` inside its own transaction;
nothing is sent here, so a rolled-back change never leaves a message behind."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import func

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification, State, seal_secret_url
from flashpoint.people.models import User
from flashpoint.registry import shown_at_home_kinds
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
    not_before: datetime | None = None,
) -> Notification | None:
    """Add a notification to the session (the caller commits).

    `link` is a path inside the app ("/heroes/3"); transports make it absolute with BASE_URL.
    `secret_url` is a one-time link shown to the recipient only. With a `dedupe_key` already
    recorded, nothing is added and None is returned. `not_before` holds it until that instant,
    everywhere: it is sent then, and dated then in the recipient's notifications (which list it
    from then on), so neither its arrival nor its date tells when the event behind it happened.
    """
    if (recipient is None) == (channel is None):
        raise ValueError("a notification goes to exactly one recipient or one channel")
    if dedupe_key is not None and dedupe_key in existing_dedupe_keys([dedupe_key]):
        return None
    note = Notification(recipient=recipient, **_values(
        kind, subject, text, recipient=recipient, channel=channel, link=link, quote=quote, secret_url=secret_url,
        anonymous_recipient=anonymous_recipient, dedupe_key=dedupe_key, extra=extra, not_before=not_before))
    db.session.add(note)
    return note


def _values(kind: str, subject: str, text: str, *, recipient: User | None, channel: str | None,
            link: str | None, quote: str | None, secret_url: str | None, anonymous_recipient: bool,
            dedupe_key: str | None, extra: dict | None, not_before: datetime | None = None) -> dict:
    """A notification's column values (recipient_id aside)."""
    if (recipient is None) == (channel is None):
        raise ValueError("a notification goes to exactly one recipient or one channel")
    # Extra keys never override the message itself or where its one-time link lives.
    payload = dict(extra or {})
    payload["text"] = text
    for key, value in (("link", link), ("quote", quote), ("secret_url", secret_url)):
        if value:
            payload[key] = value
        else:
            payload.pop(key, None)
    if secret_url:
        # Sealed: whoever reads the database must not be able to use the link (flashpoint/sealing.py).
        payload["secret_url"] = seal_secret_url(secret_url)
    now = max(utcnow(), not_before) if not_before is not None else utcnow()
    # What a home panel shows is not news in the notification centre as well (see add_shown_at_home).
    read_at = now if recipient is not None and kind in shown_at_home_kinds(current_app) else None
    return {"kind": kind, "subject": subject[:200], "channel": channel, "anonymous_recipient": anonymous_recipient,
            "payload": payload, "dedupe_key": dedupe_key, "state": State.PENDING.value, "next_attempt_at": now,
            "read_at": read_at, "created_at": now}


# Dedupe keys per look-up (SQLite caps the bound parameters of one statement).
_KEY_CHUNK = 500
_notifications = Notification.__table__
# Built once: the intake looks keys up and counts earlier messages for every item naming someone,
# and building these statements cost more than running them.
_KNOWN_KEYS = sa.select(_notifications.c.dedupe_key).where(
    _notifications.c.dedupe_key.in_(sa.bindparam("keys", expanding=True)))
_PREVIOUS_COUNTS = (
    sa.select(_notifications.c.kind, _notifications.c.recipient_id, func.count(_notifications.c.id))
    .where(_notifications.c.kind.in_(sa.bindparam("kinds", expanding=True)),
           _notifications.c.recipient_id.in_(sa.bindparam("ids", expanding=True)))
    .group_by(_notifications.c.kind, _notifications.c.recipient_id))
_INSERT = _notifications.insert()


def _flush_pending() -> None:
    """Core statements do not autoflush as ORM queries do: notifications added to the session
    earlier in the transaction must count, as the docstrings below promise."""
    if db.session.autoflush:
        db.session.flush()


def existing_dedupe_keys(keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys are already recorded (notifications added earlier in this
    transaction included: the session flushes them before it asks), one query per 500 keys."""
    keys = sorted(set(keys))
    found: set[str] = set()
    _flush_pending()
    for start in range(0, len(keys), _KEY_CHUNK):
        found.update(db.session.scalars(_KNOWN_KEYS, {"keys": keys[start:start + _KEY_CHUNK]}))
    return found


class NotificationBatch:
    """`record_notification` for many notifications at once: every dedupe key the batch may record
    is looked up in one query, each `record` decides from that set exactly as recording them one
    by one would (a key recorded in the batch counts as recorded), and `flush()` inserts them all
    in one statement. The caller flushes before it commits.

        batch = NotificationBatch(f"idea.status_changed:{idea.id}:{p.id}" for p in people)
        for person in people:
            batch.record("idea.status_changed", ..., recipient=person,
                         dedupe_key=f"idea.status_changed:{idea.id}:{person.id}")
        batch.flush()
    """

    def __init__(self, dedupe_keys: Iterable[str]) -> None:
        self.keys = set(dedupe_keys)
        self.known = existing_dedupe_keys(self.keys)
        self.rows: list[dict] = []

    def record(self, kind: str, subject: str, text: str, *, recipient: User | None = None,
               channel: str | None = None, link: str | None = None, quote: str | None = None,
               secret_url: str | None = None, anonymous_recipient: bool = False, dedupe_key: str | None = None,
               extra: dict | None = None) -> dict | None:
        """As `record_notification` (a dedupe key must be one given to the batch); the row's values,
        inserted by `flush()`, or None when its dedupe key was already recorded."""
        if dedupe_key is not None:
            if dedupe_key not in self.keys:
                raise ValueError(f"dedupe key {dedupe_key!r} was not looked up with the batch")
            if dedupe_key in self.known:
                return None
            self.known.add(dedupe_key)
        row = _values(kind, subject, text, recipient=recipient, channel=channel, link=link, quote=quote,
                      secret_url=secret_url, anonymous_recipient=anonymous_recipient, dedupe_key=dedupe_key,
                      extra=extra)
        row["recipient_id"] = recipient.id if recipient is not None else None
        self.rows.append(row)
        return row

    def flush(self) -> None:
        """Insert what was recorded (one executemany), in the order recorded."""
        if self.rows:
            db.session.execute(_INSERT, self.rows)
            self.rows = []


# Recipients' counts are read in chunks: SQLite caps the bound parameters of one statement.
_COUNT_CHUNK = 500


def previous_counts(kinds: Iterable[str], recipients: Iterable[User | None]) -> dict[tuple[str, int], int]:
    """How many notifications of each kind each recipient already has, in one GROUP BY query
    (per 500 recipients): {(kind, user id): count}, leaving out the zeros. Notifications added
    earlier in this transaction count: the session flushes them before it asks."""
    kinds = sorted(set(kinds))
    ids = sorted({r.id for r in recipients if r is not None and r.id is not None})
    counts: dict[tuple[str, int], int] = {}
    if ids and kinds:
        _flush_pending()
    for start in range(0, len(ids) if kinds else 0, _COUNT_CHUNK):
        rows = db.session.execute(_PREVIOUS_COUNTS, {"kinds": kinds, "ids": ids[start:start + _COUNT_CHUNK]})
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

    def recorded(self, kind: str, recipient: User | None, note: Notification | dict | None) -> None:
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
