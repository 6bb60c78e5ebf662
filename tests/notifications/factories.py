"""Factories for notification tests: notifications recorded the way the domains record them."""
from __future__ import annotations

from datetime import datetime

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import record_notification
from flashpoint.timeutil import utcnow


def notify(recipient, kind: str = "idea.status_changed", subject: str | None = None,
           text: str = "Your idea moved on.", **fields) -> Notification:
    note = record_notification(kind, subject or f"Update: {kind}", text, recipient=recipient, **fields)
    db.session.commit()
    return note


def deliver(now: datetime | None = None) -> dict:
    counts = deliver_due(now or utcnow())
    db.session.expire_all()
    return counts


def reload(note: Notification) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, note.id)
