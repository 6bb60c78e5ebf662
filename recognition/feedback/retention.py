"""Keeping customers' words only as long as the organisation decided (FEEDBACK_TEXT_RETENTION_MONTHS):
a daily duty empties the comment and the "who helped you" name of feedback older than that. The
scores, dates, teams and whether it was praise stay, so every figure — CSAT, NPS, CES, insights,
the wall's counts — is unchanged. Each run that empties something is recorded in the audit log.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import or_, update

from flashpoint.extensions import db
from flashpoint.people.personal_data import record
from recognition.feedback.models import Feedback


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
    if cleared:
        record(None, "retention", None,
               f"the words of {cleared:,} feedback items received before {before:%d %b %Y} removed "
               f"(kept {months} months)")
    return cleared
