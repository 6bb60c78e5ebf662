"""Notifications at organisation scale, against baselines measured in the same run.

    .venv/bin/python bench/notifications.py [--people 2000] [--per-person 150] [--grouped 300]

Figures printed:
- the unread count behind the navigation badge (asked on every page a person opens), with the
  (recipient_id, created_at) index, against the same count forced to scan the table;
- a delivery run of `--grouped` notifications (3 per person) to a local SMTP server (aiosmtpd,
  the test extra), grouped into one e-mail per person, against the same run with grouping off
  (one e-mail per notification): e-mails sent and time per notification.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--per-person", type=int, default=150)
    parser.add_argument("--grouped", type=int, default=300)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-notifications-"))
    os.environ.setdefault("FLASHPOINT_INSTANCE", str(workdir))

    import sqlalchemy as sa

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.notifications import services
    from flashpoint.outbox.models import Notification
    from flashpoint.people.models import User
    from flashpoint.timeutil import utcnow

    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    rng = random.Random(7)
    with app.app_context():
        upgrade_database()
        now = utcnow()
        db.session.execute(sa.insert(User), [
            {"email": f"p{n}@bench.test", "name": f"Person {n}", "role": "staff", "timezone": "UTC",
             "active": True, "nicknames": "", "private_recognition": False, "created_at": now}
            for n in range(args.people)])
        ids = db.session.scalars(sa.select(User.id)).all()
        rows = []
        for uid in ids:
            for k in range(args.per_person):
                rows.append({"kind": "idea.status_changed", "recipient_id": uid, "subject": "s",
                             "payload": {"text": "t"}, "state": "in_app", "attempts": 1,
                             "anonymous_recipient": False, "next_attempt_at": now, "created_at": now,
                             "read_at": None if rng.random() < 0.2 else now})
        for start in range(0, len(rows), 20000):
            db.session.execute(sa.insert(Notification), rows[start:start + 20000])
        db.session.commit()
        total = len(rows)
        sample = rng.sample(ids, 200)

        def badge():
            for uid in sample:
                services.unread_count(uid)

        def scan():
            for uid in sample:
                db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
                    Notification.recipient_id + 0 == uid, Notification.read_at.is_(None)))

        indexed = timed(badge) / len(sample)
        scanned = timed(scan) / len(sample)
        print(f"notifications: {total:,} for {len(ids):,} people")
        print(f"unread badge, indexed:   {indexed * 1000:8.3f} ms per page view")
        print(f"unread badge, full scan: {scanned * 1000:8.3f} ms per page view  "
              f"(indexed is {scanned / indexed:,.0f}x faster)")
        _bench_grouping(app, args.grouped)


def _bench_grouping(app, count: int) -> None:
    import socket

    from aiosmtpd.controller import Controller

    from flashpoint.extensions import db
    from flashpoint.notifications import transport
    from flashpoint.outbox import delivery
    from flashpoint.outbox.delivery import deliver_due
    from flashpoint.outbox.services import record_notification
    from flashpoint.people.models import User
    from flashpoint.timeutil import utcnow

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    delivery.register_transport(app, transport.EmailTransport(), order=20)
    try:
        with app.app_context():
            everyone = db.session.scalars(db.select(User).order_by(User.id).limit(2 * (count // 3))).all()

            def run(people, group: int) -> tuple[float, int]:
                transport.MAX_GROUP = group
                for person in people:
                    for n in range(3):
                        record_notification("idea.status_changed", f"Idea {n}", "moved", recipient=person,
                                            extra={"relation": "follower"})
                db.session.commit()
                before = Sink.received

                def drain():
                    while deliver_due(utcnow()):
                        pass
                return timed(drain), Sink.received - before

            half = len(everyone) // 2
            single, single_mails = run(everyone[:half], 1)
            grouped, grouped_mails = run(everyone[half:], 20)
            n = half * 3
            print(f"delivery of {n} notifications, one e-mail each: {single_mails} e-mails, "
                  f"{single / n * 1000:.2f} ms per notification")
            print(f"delivery of {n} notifications, grouped:         {grouped_mails} e-mails, "
                  f"{grouped / n * 1000:.2f} ms per notification ({single / grouped:.1f}x faster)")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
