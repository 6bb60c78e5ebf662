"""Answering a pulse: checking the values, storing them anonymously exactly once, and the pulses
a person still has to answer.

Why answers wait sealed until the cycle closes. Marking the person answered and storing their
answers must happen in one transaction (answered exactly once, never lost), and whatever one
transaction writes can be tied together by someone reading the database: on PostgreSQL every row
it writes carries its transaction id (`xmin`, kept in old row versions until vacuum), and rows
written one after another sit one after another on disk. So, while a cycle is open, nothing
legible is written beside the participation: the person's answers go into ONE row of
`pulse_sealed_answers`, sealed (AES-GCM under a key derived from SECRET_KEY, which the database
never holds, see flashpoint/sealing.py) and padded to one length so even an eNPS of 10 against 9
does not show. The row has a random key and no time. When the cycle closes,
`settle_answers` opens every sealed row of the cycle, shuffles all the values and writes them
into `pulse_answers` in one statement of the closing transaction, under fresh random keys, and
deletes the sealed rows: every answer of the cycle then shares the closing transaction's id and a
random order, and none shares anything with any participation. Results are shown only for
closed cycles, so they always include every answer.
"""
from __future__ import annotations

import json
import logging
import random
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update

from engagement.pulses.comments import COMMENT_MAX
from engagement.pulses.errors import LinkUnusable, PulseError
from engagement.pulses.models import (
    PulseAnswer, PulseComment, PulseCommentAuthor, PulseCycle, PulseParticipation, PulseSealedAnswers,
)
from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.sealing import Unsealable, seal, unseal

log = logging.getLogger(__name__)

SEAL_PURPOSE = "pulse-answers"
# Sealed answers are padded to a multiple of this many bytes: every row of a cycle looks alike.
SEAL_BLOCK = 512


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
    click, two tabs, Slack and the link) is refused. The answers are sealed into one row until
    the cycle closes (see the module's docstring).
    """
    cycle = participation.cycle
    # Read the cycle under a share lock: closing (an UPDATE of this row) waits for this answer to
    # commit and then settles it with the rest, or this answer sees the cycle closed. Without it an
    # answer racing the close could stay sealed in a closed cycle. (SQLite has one writer anyway.)
    closed_at = db.session.scalar(db.select(PulseCycle.closed_at).where(PulseCycle.id == cycle.id)
                                  .with_for_update(read=True))
    if closed_at is not None or not cycle.is_open(now):
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
    db.session.add(PulseSealedAnswers(id=secrets.token_hex(16), cycle_id=cycle.id,
                                      sealed=_seal_values(values)))
    saved = None
    if comment:
        saved = PulseComment(cycle_id=cycle.id, body=comment)
        db.session.add(saved)
        db.session.flush()
        db.session.add(PulseCommentAuthor(comment_id=saved.id, user_id=participation.user_id))
    db.session.flush()
    return saved


def _seal_values(values: dict[int, int]) -> str:
    plain = json.dumps({str(item_id): value for item_id, value in values.items()}).encode()
    plain += b" " * (-len(plain) % SEAL_BLOCK)
    return seal(SEAL_PURPOSE, plain)


def settle_answers(cycle: PulseCycle) -> int:
    """Write a closing cycle's answers where results read them (the caller commits, in the
    transaction that closes the cycle): the sealed rows opened, every value of the cycle (with any
    already in `pulse_answers`, stored before answers were sealed) shuffled and inserted in one
    statement under new random keys, the sealed rows deleted. Returns how many values there are.

    A row sealed under a key the app no longer has (SECRET_KEY changed without keeping the old
    one in SECRET_KEY_FALLBACKS) cannot be read: it is left in place and logged, never guessed.
    """
    drivers = {item.id: item.driver for item in cycle.items}
    rows = [dict(cycle_item_id=i, driver=d, value=v) for i, d, v in db.session.execute(
        db.select(PulseAnswer.cycle_item_id, PulseAnswer.driver, PulseAnswer.value)
        .where(PulseAnswer.cycle_id == cycle.id))]
    opened, unreadable = [], 0
    for sealed_id, sealed in db.session.execute(
            db.select(PulseSealedAnswers.id, PulseSealedAnswers.sealed).where(PulseSealedAnswers.cycle_id == cycle.id)):
        try:
            values = json.loads(unseal(SEAL_PURPOSE, sealed))
        except (Unsealable, ValueError):
            unreadable += 1
            continue
        rows.extend(dict(cycle_item_id=int(i), driver=drivers[int(i)], value=int(v))
                    for i, v in values.items() if int(i) in drivers)
        opened.append(sealed_id)
    if unreadable:
        log.error("pulse cycle %s: %s sealed answers cannot be opened with the current SECRET_KEY "
                  "(or SECRET_KEY_FALLBACKS); they are left out of its results", cycle.id, unreadable)
    for start in range(0, len(opened), 500):
        db.session.execute(db.delete(PulseSealedAnswers).where(PulseSealedAnswers.id.in_(opened[start:start + 500])))
    if not rows:
        return 0
    random.SystemRandom().shuffle(rows)
    db.session.execute(db.delete(PulseAnswer).where(PulseAnswer.cycle_id == cycle.id))
    db.session.execute(db.insert(PulseAnswer), [dict(row, cycle_id=cycle.id, id=secrets.token_hex(16)) for row in rows])
    return len(rows)


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
