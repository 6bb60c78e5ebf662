"""Exactly-once on a real server: two senders racing over the same cycle, and unique keys."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from engagement.pulses import answering, cycles, delivery
from engagement.pulses.models import PulseCycle, PulseParticipation
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.concurrency import at_once
from tests.factories import make_team, make_user


@pytest.mark.both_databases
def test_two_senders_racing_over_one_cycle_invite_each_person_once(app, db_backend):
    team = make_team("race", "Race")
    for _ in range(60):
        make_user("staff", team, password=None)
    now = datetime(2026, 3, 10, 12, 0)
    cycles.pulse_now([team.slug], now)
    db.session.commit()

    def sender():
        delivery.send_due_invitations(now)
        db.session.commit()

    errors = at_once(app, sender, threads=2)
    assert errors == []
    db.session.expire_all()
    recipients = db.session.scalars(sa.select(Notification.recipient_id).where(
        Notification.kind == "pulse.invitation")).all()
    assert len(recipients) == 60 == len(set(recipients))


@pytest.mark.both_databases
def test_the_database_refuses_a_second_participation_and_a_second_cycle_for_one_origin(app, db_backend):
    team = make_team("dup", "Dup")
    person = make_user("staff", team, password=None)
    now = datetime(2026, 3, 10, 12, 0)
    (_, cycle, _), = cycles.pulse_now([team.slug], now)
    db.session.commit()
    db.session.add(PulseParticipation(cycle_id=cycle.id, user_id=person.id, invite_at=now))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(PulseCycle(origin_key=cycle.origin_key, team_id=team.id, opens_on=now.date(),
                              first_invite_at=now, closes_at=now))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    # And the service says so instead of failing: the same day's "send now" opens nothing new.
    (_, again, message), = cycles.pulse_now([team.slug], now)
    assert again is None and "already" in message


@pytest.mark.both_databases
def test_once_closed_the_stored_order_of_answers_says_nothing_about_who_answered_first(app, db_backend):
    team = make_team("order", "Order")
    for _ in range(11):
        make_user("staff", team, password=None)
    now = datetime(2026, 3, 10, 12, 0)
    (_, cycle, _), = cycles.pulse_now([team.slug], now)
    delivery.send_due_invitations(now)
    db.session.commit()
    enps = next(item for item in cycle.items if item.scale == "nps11")
    people = db.session.scalars(sa.select(PulseParticipation).where(PulseParticipation.cycle_id == cycle.id)
                                .order_by(PulseParticipation.invite_at, PulseParticipation.id)).all()
    for k, participation in enumerate(people):  # the k-th person invited answers eNPS = k, in turn
        values = {item.id: (k if item.scale == "nps11" else 3) for item in cycle.items}
        answering.submit_answers(participation, values, None, now)
        db.session.commit()
    cycles.close_due_cycles(cycle.closes_at)
    db.session.commit()
    physical = [v for (v,) in db.session.execute(sa.text(
        "SELECT value FROM pulse_answers WHERE cycle_item_id = :item"), {"item": enps.id})]
    assert sorted(physical) == list(range(11))
    assert physical != list(range(11)) and physical != list(range(10, -1, -1))
