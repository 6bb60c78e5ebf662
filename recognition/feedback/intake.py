"""Taking feedback in: one item from the form or the API, stored once per external id and announced
(`feedback_received`) inside the caller's transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy.orm import make_transient_to_detached

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.credits import credit
from recognition.feedback.models import Feedback
from recognition.feedback.validation import CleanFeedback, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received


@dataclass(frozen=True)
class Received:
    feedback: Feedback
    created: bool



def _values(item: CleanFeedback, channel: str) -> dict[str, Any]:
    return dict(external_id=item.external_id, team_id=item.team.id, metric=item.metric, score=item.score,
                comment=item.comment, helper_name=item.helper_name, received_at=item.received_at,
                channel=channel, consent=item.consent, positive=is_positive(item.metric, item.score, item.comment),
                created_at=utcnow())


def _insert_unless_known(values: dict[str, Any]):
    """INSERT … ON CONFLICT (external_id) DO NOTHING RETURNING id, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return (insert(Feedback).values(values).on_conflict_do_nothing(index_elements=["external_id"])
            .returning(Feedback.id))


def announce(items: Iterable[Feedback], credited: Mapping[int, tuple[int, str | None]] | None = None) -> None:
    """Tell praise routing and insights about new items, once, inside the caller's transaction.

    `credited`: feedback id → (person id, source) for the items a source credits (credits.credit),
    so routing need not look them up.
    """
    items = list(items)
    if items:
        feedback_received.send(current_app._get_current_object(), items=items, credited=dict(credited or {}))


def by_external_id(external_id: str) -> Feedback | None:
    return db.session.scalar(db.select(Feedback).where(Feedback.external_id == external_id))


def receive_feedback(fields: Mapping[str, Any], channel: str, *, now: datetime | None = None,
                     teams: Mapping[str, Team] | None = None, source: str | None = None) -> Received:
    """Take in one item (form, API or webhook). A known external_id returns the stored item unchanged.

    An `employee_email` naming an active person credits them (`source` says who gave the credit).

    The caller commits. Under a race (two requests with one external_id), the unique key decides:
    the loser's insert does nothing and it returns the winner's row.
    """
    item = validate_feedback(fields, teams=teams, now=now)
    values = _values(item, channel)
    # One statement decides, atomically, even when two requests bring one external_id at once:
    # the unique key lets one insert through and the other finds the stored row.
    new_id = db.session.execute(_insert_unless_known(values)).scalar()
    if new_id is None:
        return Received(by_external_id(item.external_id), False)
    # The row as it was just written, kept in the session without reading it back.
    row = Feedback(id=new_id, **values)
    make_transient_to_detached(row)
    db.session.add(row)
    credited = credit([(new_id, item.employee_email)], source) if item.employee_email else {}
    announce([row], credited)
    return Received(row, True)


def receive_form(team: Team, *, score: Any, comment: str, helper_name: str, consent: bool,
                 now: datetime | None = None) -> Received:
    """The public form's way in: a generated external id, the team's form metric, now."""
    now = now or utcnow()
    return receive_feedback({"external_id": f"form-{uuid.uuid4()}", "team": team.slug,
                             "metric": team.form_metric, "score": score, "comment": comment,
                             "helper_name": helper_name, "consent": consent, "received_at": now},
                            "form", now=now, teams={team.slug: team})

