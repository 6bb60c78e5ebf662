"""Keeping customers' words only as long as the organisation decided (FEEDBACK_TEXT_RETENTION_MONTHS):
a daily duty empties the comment and the "who helped you" name of feedback older than that. The
scores, dates, teams and whether it was praise stay, so every figure — CSAT, NPS, CES, insights,
the wall's counts — is unchanged. Items a source set aside (feedback_set_aside) keep the item as
the source gave it; their comment is emptied the same way, by the date the customer wrote it.
Each run that empties something is recorded in the audit log.
"""
from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from sqlalchemy import or_, update

from flashpoint.extensions import db
from flashpoint.people.personal_data import record
from recognition.feedback.models import Feedback
from recognition.feedback.sources.models import FeedbackSetAside


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(now.year * 12 + (now.month - 1) - months, 12)
    month += 1
    for day in range(now.day, 0, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(now)  # unreachable: every month has a 28th


def clear_old_text(now: datetime) -> int:
    """The retention duty: how many items lost their words this run (0 while retention is off)."""
    months = current_app.config["FEEDBACK_TEXT_RETENTION_MONTHS"]
    if not months:
        return 0
    before = months_before(now, months)
    cleared = db.session.execute(
        update(Feedback).where(Feedback.received_at < before, or_(Feedback.comment != "", Feedback.helper_name != ""))
        .values(comment="", helper_name="")).rowcount
    aside = clear_set_aside_text(before)
    if cleared or aside:
        record(None, "retention", None,
               f"the words of {cleared:,} feedback items"
               + (f" and {aside:,} items set aside" if aside else "")
               + f" received before {before:%d %b %Y} removed (kept {months} months)")
    return cleared + aside


# What json.dumps writes for an emptied comment: rows holding it are not read again.
_EMPTY_COMMENT = '"comment": ""'


def clear_set_aside_text(before: datetime) -> int:
    """Empty the comment in set-aside payloads of items received before `before` (the set-aside
    time when the payload has no readable date: it is never earlier than the receipt)."""
    rows = db.session.scalars(db.select(FeedbackSetAside).where(
        FeedbackSetAside.payload.contains('"comment"'), ~FeedbackSetAside.payload.contains(_EMPTY_COMMENT)))
    cleared = 0
    for row in rows:
        try:
            payload = json.loads(row.payload)
            received = datetime.fromisoformat(str(payload.get("received_at")))
        except (ValueError, TypeError, AttributeError):
            payload, received = None, row.at
        if received.tzinfo is not None:
            received = received.replace(tzinfo=None) - received.utcoffset()
        if received >= before:
            continue
        if isinstance(payload, dict):
            payload["comment"] = ""
            row.payload = json.dumps(payload, ensure_ascii=False)
        else:
            row.payload = ""  # unreadable: nothing of it can be kept safely
        cleared += 1
    return cleared
