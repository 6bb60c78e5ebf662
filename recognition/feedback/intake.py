"""Taking feedback in: one item from the form or the API, stored once per external id and announced
(`feedback_received`) inside the caller's transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import make_transient_to_detached

from flashpoint.api.errors import ApiValidationError
from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.credits import credit
from recognition.feedback.models import Feedback
from recognition.feedback.validation import CleanFeedback, FeedbackInvalid, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received


@dataclass(frozen=True)
class Received:
    feedback: Feedback
    created: bool



@dataclass(frozen=True, slots=True)
class StoredFeedback:
    """A row a CSV import has just written, as its receivers read it: the columns and the team.
    Announced instead of an ORM object per row: building, attaching and tracking 2,000 `Feedback`
    objects per step cost more than inserting the rows."""
    id: int
    external_id: str
    team_id: int
    team: Team
    metric: str
    score: int
    comment: str
    helper_name: str
    received_at: datetime
    channel: str
    consent: bool
    positive: bool
    created_at: datetime


def _values(item: CleanFeedback, channel: str) -> dict[str, Any]:
    return dict(external_id=item.external_id, team_id=item.team.id, metric=item.metric, score=item.score,
                comment=item.comment, helper_name=item.helper_name, received_at=item.received_at,
                channel=channel, consent=item.consent, positive=is_positive(item.metric, item.score, item.comment),
                created_at=utcnow())


@lru_cache(maxsize=None)
def _insert_unless_known(dialect: str):
    """INSERT … ON CONFLICT (external_id) DO NOTHING RETURNING id, on SQLite and PostgreSQL; built
    once per database kind (building it cost more than running it), the values bound per item."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Feedback.__table__
    return insert(table).on_conflict_do_nothing(index_elements=["external_id"]).returning(table.c.id)


def announce(items: Iterable[Feedback], credited: Mapping[int, tuple[int, str | None]] | None = None) -> None:
    """Tell praise routing and insights about new items, once, inside the caller's transaction.

    `credited`: feedback id → (person id, source) for the items a source credits (credits.credit),
    so routing need not look them up.
    """
    items = list(items)
    if items:
        feedback_received.send(current_app._get_current_object(), items=items, credited=dict(credited or {}))


_BY_EXTERNAL_ID = db.select(Feedback).where(Feedback.external_id == sa.bindparam("external_id"))


def by_external_id(external_id: str) -> Feedback | None:
    return db.session.scalar(_BY_EXTERNAL_ID, {"external_id": external_id})


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
    new_id = db.session.execute(_insert_unless_known(db.session.get_bind().dialect.name), values).scalar()
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


_STRING_FIELDS = ("external_id", "received_at", "team", "metric", "comment", "helper_name", "employee_email")
_KNOWN = set(_STRING_FIELDS) | {"score", "consent"}


def _type_errors(data: dict) -> dict[str, str]:
    errors = {key: "This field is not part of a feedback item." for key in data if key not in _KNOWN}
    for key in _STRING_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            errors[key] = "This field must be a string."
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)):
        errors["score"] = "The score must be a whole number (a JSON integer)."
    # consent: a JSON boolean, or the words the form and CSV accept ("true", "false", "" = false);
    # the intake's own validation answers anything else.
    if data.get("consent") is not None and not isinstance(data["consent"], (bool, str)):
        errors["consent"] = "Consent is true or false."
    return errors


def receive_json(data: dict, channel: str, *, source: str | None = None) -> tuple[dict, bool]:
    """One item as JSON, as the API and webhooks take it: (the answer's body, whether it is new).

    ApiValidationError names every problem at once; nothing is stored then. A `source` (a webhook)
    stores the item as `source:<external_id>` and gives any credit its name. The caller commits.
    """
    type_errors = _type_errors(data)
    if source is not None and isinstance(data.get("external_id"), str) and data["external_id"].strip():
        data = {**data, "external_id": f"{source}:{data['external_id'].strip()}"}
    if type_errors:
        # Name every problem at once: the other fields are checked too, and nothing is stored.
        try:
            validate_feedback({k: v for k, v in data.items() if k not in type_errors})
        except FeedbackInvalid as exc:
            raise ApiValidationError({**exc.errors, **type_errors}) from None
        raise ApiValidationError(type_errors)
    try:
        received = receive_feedback(data, channel, source=source)
    except FeedbackInvalid as exc:
        db.session.rollback()
        raise ApiValidationError(exc.errors) from None
    item = received.feedback
    # Read before the commit, which expires the row: reading after it would load it again.
    return {"id": item.id, "external_id": item.external_id, "positive": item.positive}, received.created
