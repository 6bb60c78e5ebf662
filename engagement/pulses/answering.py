"""Answering a pulse: checking the values, storing them anonymously exactly once, and the pulses
a person still has to answer."""
from __future__ import annotations

import random
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update

from engagement.pulses.comments import COMMENT_MAX
from engagement.pulses.errors import LinkUnusable, PulseError
from engagement.pulses.models import (
    PulseAnswer, PulseComment, PulseCommentAuthor, PulseCycle, PulseParticipation,
)
from flashpoint.extensions import db
from flashpoint.people.models import User


def parse_answers(cycle: PulseCycle, raw: dict[str, str]) -> tuple[dict[int, int], dict[int, str]]:
    """Values per cycle item from form-like input ({"q<item id>": "4"}); errors per item."""
    values, errors = {}, {}
    for item in cycle.items:
        text = (raw.get(f"q{item.id}") or "").strip()
        if not text:
            errors[item.id] = _("Choose an answer for this question.")
            continue
        try:
            value = int(text)
        except ValueError:
            errors[item.id] = _("Answer with a number from %(low)s to %(high)s.", low=item.low, high=item.high)
            continue
        if not item.low <= value <= item.high:
            errors[item.id] = _("Answer with a number from %(low)s to %(high)s.", low=item.low, high=item.high)
            continue
        values[item.id] = value
    return values, errors


def submit_answers(participation: PulseParticipation, values: dict[int, int], comment: str | None,
                   now: datetime) -> PulseComment | None:
    """Store one person's answers anonymously (the caller commits).

    The participation is marked answered by a conditional update, so a second answer (a double
    click, two tabs, Slack and the link) is refused. The answers carry the cycle, the item and
    the value only; their keys are random and they are added in shuffled order.
    """
    cycle = participation.cycle
    if not cycle.is_open(now):
        raise LinkUnusable(_("This pulse has closed; answers are no longer taken."))
    items = {item.id: item for item in cycle.items}
    if set(values) != set(items):
        raise PulseError(_("Answer every question."))
    for item_id, value in values.items():
        item = items[item_id]
        if not isinstance(value, int) or not item.low <= value <= item.high:
            raise PulseError(_("Answer with a number from %(low)s to %(high)s.", low=item.low, high=item.high))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise PulseError(_("Keep the comment under %(max)s characters.", max=COMMENT_MAX))
    result = db.session.execute(
        update(PulseParticipation)
        .where(PulseParticipation.id == participation.id, PulseParticipation.answered.is_(False))
        .values(answered=True).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise LinkUnusable(_("You have already answered this pulse. Thank you!"), answered=True)
    answers = [PulseAnswer(cycle_id=cycle.id, cycle_item_id=item_id, driver=items[item_id].driver, value=value)
               for item_id, value in values.items()]
    random.SystemRandom().shuffle(answers)
    db.session.add_all(answers)
    saved = None
    if comment:
        saved = PulseComment(cycle_id=cycle.id, body=comment)
        db.session.add(saved)
        db.session.flush()
        db.session.add(PulseCommentAuthor(comment_id=saved.id, user_id=participation.user_id))
    db.session.flush()
    return saved


def open_participation(user: User, cycle_id: int, now: datetime) -> PulseParticipation:
    """The person's own invitation to a cycle (Slack's Start button), or a PulseError."""
    participation = db.session.scalar(db.select(PulseParticipation).where(
        PulseParticipation.cycle_id == cycle_id, PulseParticipation.user_id == user.id))
    if participation is None or participation.invited_at is None:
        raise PulseError(_("This pulse was not sent to you."))
    if participation.answered:
        raise LinkUnusable(_("You have already answered this pulse. Thank you!"), answered=True)
    if not participation.cycle.is_open(now):
        raise LinkUnusable(_("This pulse has closed."))
    return participation


def open_pulses_for(user: User, now: datetime) -> list[PulseParticipation]:
    return db.session.scalars(
        db.select(PulseParticipation).join(PulseCycle, PulseCycle.id == PulseParticipation.cycle_id)
        .where(PulseParticipation.user_id == user.id, PulseParticipation.invited_at.is_not(None),
               PulseParticipation.answered.is_(False), PulseCycle.closed_at.is_(None),
               PulseCycle.closes_at > now)).all()


def answer_from_form(participation: PulseParticipation, raw: dict[str, str], comment: str | None,
                     now: datetime) -> dict[int, str]:
    """Check and store the answers of the link's form: the problems per item ({0: …} for the form as
    a whole), empty when the answers are stored (the caller commits; LinkUnusable passes through)."""
    values, errors = parse_answers(participation.cycle, raw)
    if errors:
        return errors
    try:
        submit_answers(participation, values, comment, now)
    except LinkUnusable:
        raise
    except PulseError as exc:
        return {0: str(exc)}
    return {}
