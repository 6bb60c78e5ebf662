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
from recognition.feedback.validation import CleanFeedback, FeedbackInvalid, TeamRecord, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received


class Received:
    """What the intake did with an item: `created` (new, or its external id was known) and the item.

    A new item is `stored` (the columns as written, what the receivers were told); `feedback`, the
    ORM row, is only made for a caller that asks (the API answers from `stored`)."""

    __slots__ = ("created", "stored", "_feedback")

    def __init__(self, created: bool, *, feedback: Feedback | None = None,
                 stored: StoredFeedback | None = None) -> None:
        self.created, self.stored, self._feedback = created, stored, feedback

    @property
    def feedback(self) -> Feedback:
        if self._feedback is None:
            # The row as it was written, in the session without reading it back.
            values = {name: getattr(self.stored, name) for name in _COLUMNS}
            self._feedback = Feedback(**values)
            make_transient_to_detached(self._feedback)
            db.session.add(self._feedback)
        return self._feedback

    @property
    def item(self) -> Feedback | StoredFeedback:
        """The item's columns: the stored record when new, else the known row."""
        return self.stored if self.stored is not None else self.feedback



@dataclass(frozen=True, slots=True)
class StoredFeedback:
    """A row the intake or a CSV import has just written, as its receivers read it: the columns and
    the team. Announced instead of an ORM object per row: building, attaching, tracking and
    expiring `Feedback` objects cost more than inserting the rows."""
    id: int
    external_id: str
    team_id: int
    team: Team | TeamRecord
    metric: str
    score: int
    comment: str
    helper_name: str
    received_at: datetime
    channel: str
    consent: bool
    positive: bool
    created_at: datetime


_COLUMNS = ("id", "external_id", "team_id", "metric", "score", "comment", "helper_name", "received_at", "channel",
            "consent", "positive", "created_at")


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
        return Received(False, feedback=by_external_id(item.external_id))
    # The row as it was just written, told to the receivers as a record (no ORM object to build,
    # attach and expire at the commit).
    row = StoredFeedback(id=new_id, team=item.team, **values)
    credited = credit([(new_id, item.employee_email)], source) if item.employee_email else {}
    announce([row], credited)
    return Received(True, stored=row)


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
    item = received.item
    # Read before the commit, which expires a known row: reading after it would load it again.
    return {"id": item.id, "external_id": item.external_id, "positive": item.positive}, received.created
