"""Two delivery runs at once (two scheduler hosts, or a manual tick beside the scheduler):
grouping never sends a notification twice, on PostgreSQL's real row locking."""
from __future__ import annotations

import threading

import pytest

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from tests.factories import make_user
from tests.notifications.factories import notify


@pytest.mark.both_databases
def test_two_delivery_runs_at_once_send_each_notification_exactly_once(app, mailbox):
    people = [make_user(name=f"Racer {n}") for n in range(4)]
    for person in people:
        for n in range(3):
            notify(person, "idea.status_changed", "Idea moved", f"Update {person.id}-{n} here.")
    now = utcnow()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                deliver_due(now)
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    db.session.expire_all()
    states = db.session.scalars(db.select(Notification.state)).all()
    assert states == ["sent"] * 12
    everything = "\n".join(m.text for m in mailbox.received)
    for person in people:
        for n in range(3):
            assert everything.count(f"Update {person.id}-{n} here.") == 1
