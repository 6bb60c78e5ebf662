"""Taking feedback in: one item from the form or the API, stored once per external id and announced
(`feedback_received`) inside the caller's transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.feedback.validation import CleanFeedback, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received


@dataclass(frozen=True)
class Received:
    feedback: Feedback
    created: bool



def _new_row(item: CleanFeedback, channel: str) -> Feedback:
    return Feedback(external_id=item.external_id, team_id=item.team.id, metric=item.metric, score=item.score,
                    comment=item.comment, helper_name=item.helper_name, received_at=item.received_at,
                    channel=channel, consent=item.consent,
                    positive=is_positive(item.metric, item.score, item.comment))


def announce(items: Iterable[Feedback]) -> None:
    """Tell praise routing and insights about new items, once, inside the caller's transaction."""
    items = list(items)
    if items:
        feedback_received.send(current_app._get_current_object(), items=items)


def by_external_id(external_id: str) -> Feedback | None:
    return db.session.scalar(db.select(Feedback).where(Feedback.external_id == external_id))


def receive_feedback(fields: Mapping[str, Any], channel: str, *, now: datetime | None = None,
                     teams: Mapping[str, Team] | None = None) -> Received:
    """Take in one item (form or API). A known external_id returns the stored item unchanged.

    The caller commits. Under a race (two requests with one external_id), the unique constraint
    decides: the loser's insert is undone in its savepoint and it returns the winner's row.
    """
    item = validate_feedback(fields, teams=teams, now=now)
    existing = by_external_id(item.external_id)
    if existing is not None:
        return Received(existing, False)
    row = _new_row(item, channel)
    savepoint = _savepoints_work()
    try:
        if savepoint:
            with db.session.begin_nested():
                db.session.add(row)
        else:
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        if not savepoint:
            db.session.rollback()
        existing = by_external_id(item.external_id)
        if existing is None:  # a different constraint failed: not ours to hide
            raise
        return Received(existing, False)
    announce([row])
    return Received(row, True)


def _savepoints_work() -> bool:
    """pysqlite opens no transaction before a SAVEPOINT, so RELEASE would commit at once. SQLite
    serialises writers anyway: there a lost race rolls the (otherwise empty) session back instead."""
    return db.session.get_bind().dialect.name != "sqlite"


def receive_form(team: Team, *, score: Any, comment: str, helper_name: str, consent: bool,
                 now: datetime | None = None) -> Received:
    """The public form's way in: a generated external id, the team's form metric, now."""
    now = now or utcnow()
    return receive_feedback({"external_id": f"form-{uuid.uuid4()}", "team": team.slug,
                             "metric": team.form_metric, "score": score, "comment": comment,
                             "helper_name": helper_name, "consent": consent, "received_at": now},
                            "form", now=now, teams={team.slug: team})

