"""What someone reading the database learns about pulse answers while a cycle is open: nothing
that ties an answer to the person who gave it — not the transaction id that wrote it (PostgreSQL's
`xmin`), not its place on disk, not its key, not a time."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from engagement.pulses import answering, cycles, delivery
from engagement.pulses.models import PulseAnswer, PulseCycle, PulseParticipation, PulseSealedAnswers
from flashpoint.extensions import db
from tests.factories import make_team, make_user

PEOPLE = 8


def _answer_in_turn(now):
    """A team of eight; the k-th person answers every 1–5 item with 1 + k % 5 and eNPS with k, each
    in their own transaction, in turn: the order and the values both say who answered."""
    team = make_team("reader", "Reader")
    for _ in range(PEOPLE):
        make_user("staff", team, password=None)
    (_, cycle, _), = cycles.pulse_now([team.slug], now)
    delivery.send_due_invitations(now)
    db.session.commit()
    people = db.session.scalars(sa.select(PulseParticipation).where(PulseParticipation.cycle_id == cycle.id)
                                .order_by(PulseParticipation.id)).all()
    given = {}
    for k, participation in enumerate(people):
        values = {item.id: (k if item.scale == "nps11" else 1 + k % 5) for item in cycle.items}
        answering.submit_answers(participation, values, None, now + timedelta(minutes=k))
        db.session.commit()
        given[participation.user_id] = values
    return cycle, given


def _rows(sql: str, **params) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.text(sql), params)]


@pytest.mark.both_databases
def test_while_a_cycle_is_open_no_answer_can_be_tied_to_its_respondent(app, db_backend):
    now = datetime(2026, 3, 10, 12, 0)
    cycle, given = _answer_in_turn(now)
    postgres = db_backend == "postgres"

    # No legible answer exists while the cycle is open: only one sealed row per respondent.
    assert _rows("SELECT value FROM pulse_answers WHERE cycle_id = :c", c=cycle.id) == []
    sealed = _rows("SELECT id, sealed FROM pulse_sealed_answers WHERE cycle_id = :c", c=cycle.id)
    assert len(sealed) == PEOPLE
    # Every sealed row is as long as every other (an eNPS of 10 against 9 does not show), no two
    # alike, and none holds an answer in the clear.
    assert len({len(box) for _, box in sealed}) == 1 and len({box for _, box in sealed}) == PEOPLE
    assert not any('": ' in box or "value" in box for _, box in sealed)
    # Keys are random, not a sequence in the order people answered; no time column anywhere.
    keys = [key for key, _ in sealed]
    assert len(set(keys)) == PEOPLE and all(len(key) == 32 and int(key, 16) >= 0 for key in keys)
    columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns("pulse_sealed_answers")}
    assert set(columns) == {"id", "cycle_id", "sealed"}

    if postgres:
        answered = {xmin for (xmin,) in _rows(
            "SELECT xmin::text FROM pulse_participations WHERE cycle_id = :c AND answered", c=cycle.id)}
        assert len(answered) == PEOPLE  # each person's answer was its own transaction
        # Nothing legible shares a transaction with a participation: no answer, no comment body
        # beyond the comment's own (deliberate, access-controlled) author link.
        assert _rows("SELECT 1 FROM pulse_answers WHERE xmin::text = ANY(:x)", x=list(answered)) == []

    # Closing writes every answer out at once: shuffled, fresh random keys, one transaction.
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()
    assert _rows("SELECT 1 FROM pulse_sealed_answers WHERE cycle_id = :c", c=cycle.id) == []
    enps = next(item for item in cycle.items if item.scale == "nps11")
    order = "ctid" if postgres else "id"
    stored = [v for (v,) in _rows(f"SELECT value FROM pulse_answers WHERE cycle_item_id = :i ORDER BY {order}",
                                  i=enps.id)]
    assert sorted(stored) == list(range(PEOPLE))
    assert stored != list(range(PEOPLE)) and stored != list(range(PEOPLE - 1, -1, -1))
    by_key = [v for (v,) in _rows("SELECT value FROM pulse_answers WHERE cycle_item_id = :i ORDER BY id",
                                  i=enps.id)]
    assert by_key != list(range(PEOPLE))
    if postgres:
        written = {xmin for (xmin,) in _rows("SELECT xmin::text FROM pulse_answers WHERE cycle_id = :c", c=cycle.id)}
        assert len(written) == 1 and written.isdisjoint(answered)
        # Not even "one transaction after the participation's": the answers' id is past them all.
        assert int(written.pop()) > max(int(x) for x in answered)

    # The results include every answer.
    closed = db.session.get(PulseCycle, cycle.id)
    total = sum(values[item.id] for values in given.values() for item in closed.items if item.scale != "nps11")
    count = sum(1 for values in given.values() for item in closed.items if item.scale != "nps11")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseAnswer)
                             .where(PulseAnswer.cycle_id == cycle.id)) == PEOPLE * len(closed.items)
    assert db.session.scalar(sa.select(sa.func.sum(PulseAnswer.value)).where(
        PulseAnswer.cycle_id == cycle.id, PulseAnswer.driver != "enps")) == total
    assert count == PEOPLE * (len(closed.items) - 1)


@pytest.mark.both_databases
def test_an_answer_racing_the_close_is_counted_or_refused_never_left_sealed(app, db_backend):
    now = datetime(2026, 3, 10, 12, 0)
    cycle, _ = _answer_in_turn(now)
    late = make_user("staff", cycle.team, password=None)
    db.session.add(PulseParticipation(cycle_id=cycle.id, user_id=late.id, invite_at=now, invited_at=now))
    db.session.commit()
    participation = db.session.scalar(sa.select(PulseParticipation).where(PulseParticipation.user_id == late.id))
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()
    values = {item.id: 3 for item in cycle.items}
    # A request that read the cycle as open before it closed: the cycle row is read again, locked.
    set_committed_value(participation.cycle, "closed_at", None)
    with pytest.raises(Exception, match="closed"):
        answering.submit_answers(participation, values, None, now)
    db.session.rollback()
    assert _rows("SELECT 1 FROM pulse_sealed_answers") == []
