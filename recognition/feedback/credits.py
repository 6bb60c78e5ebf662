"""Exact credit: the person a source names by e-mail (a help desk's agent) for a feedback item.

The address is matched to an active person; an unknown or inactive one credits nobody and praise
routing falls back to the names in the customer's words, as for any other item.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.feedback.models import FeedbackCredit

# Addresses and ids per IN (...) query (SQLite caps bound parameters per statement).
_CHUNK = 900


def people_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Active people's ids by their (lower-case) address, for the addresses given."""
    wanted = sorted({e for e in emails if e})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        found.update(db.session.execute(db.select(User.email, User.id).where(
            User.email.in_(wanted[start:start + _CHUNK]), User.active.is_(True))).all())
    return {email.lower(): user_id for email, user_id in found.items()}


def credit(items: list[tuple[int, str]], source: str | None) -> dict[int, tuple[int, str | None]]:
    """Record who each new item credits: (feedback id, address) pairs → {feedback id: (person id, source)}.

    One look-up and one insert whatever the number of items (in chunks beyond SQLite's limits).
    """
    people = people_by_email(email for _, email in items)
    rows = [{"feedback_id": feedback_id, "user_id": people[email], "source": source}
            for feedback_id, email in items if email in people]
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(insert(FeedbackCredit), rows[start:start + _CHUNK])
    return {row["feedback_id"]: (row["user_id"], source) for row in rows}


def credits_of(feedback_ids: list[int]) -> dict[int, tuple[int, str | None]]:
    """The credits of these items: feedback id → (person id, source)."""
    found: dict[int, tuple[int, str | None]] = {}
    for start in range(0, len(feedback_ids), _CHUNK):
        found.update((c.feedback_id, (c.user_id, c.source)) for c in db.session.scalars(db.select(FeedbackCredit).where(
            FeedbackCredit.feedback_id.in_(feedback_ids[start:start + _CHUNK]))))
    return found


def credited_by(source: str | None) -> str:
    """How a praise match made from a credit says where it came from: "credited by Zendesk"."""
    if source is None:
        return "credited by the sender"
    from recognition.feedback.sources.base import LABELS

    return f"credited by {LABELS.get(source, source)}"
