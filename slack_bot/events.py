"""Claiming Events API envelopes once, and forgetting old claims."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from slack_bot.models import SlackEvent

# Slack retries for a few minutes at most; a week of claims is plenty to catch every copy.
KEEP_EVENTS = timedelta(days=7)


def claim_event(event_id: str, event_type: str = "") -> bool:
    """True the first time an event_id is seen, False for every later copy (any worker)."""
    db.session.add(SlackEvent(event_id=event_id[:64], event_type=event_type[:64]))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def prune_events(now: datetime) -> int:
    """The pruning duty: claims older than a week only take space."""
    return db.session.execute(
        db.delete(SlackEvent).where(SlackEvent.received_at < now - KEEP_EVENTS)
    ).rowcount
