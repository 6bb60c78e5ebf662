"""Pulses at organisation scale, against baselines measured in the same run.

    .venv/bin/python bench/pulses.py [--people 3000] [--teams 150] [--weeks 52]

Figures printed:
- invitations: `send_due_invitations` for one cycle per team reaching `--people` people (each
  claimed by a conditional UPDATE, a hashed token, a notification with a dedupe key, committed in
  batches) against the floor: recording the same notifications with nothing else;
- results: `results.compute` (a year, monthly, every team with sub-team roll-ups, threshold and
  subtraction rule for 12 metrics) over `--weeks` weekly cycles per team, against the floor of
  one GROUP BY over the same answers.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--teams", type=int, default=150)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fp-bench-pulses-")
    os.environ["FLASHPOINT_INSTANCE"] = workdir
    import sqlalchemy as sa

    from engagement.pulses import cycles, delivery, results
    from engagement.pulses.models import (
        DRIVERS, PulseAnswer, PulseCycle, PulseCycleItem, PulseParticipation,
    )
    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.outbox.models import Notification
    from flashpoint.outbox.services import record_notification
    from flashpoint.people.models import Team, User

    app = create_app(TestConfig(database_url=f"sqlite:///{workdir}/bench.db"))
    with app.app_context():
        upgrade_database()
        rng = random.Random(7)
        now = datetime.utcnow().replace(microsecond=0)
        departments = max(1, args.teams // 10)
        db.session.execute(sa.insert(Team), [{"slug": f"dept-{d}", "name": f"Dept {d}", "collected_metrics": "csat",
                                              "form_metric": "csat", "created_at": now} for d in range(departments)])
        dept_ids = list(db.session.scalars(sa.select(Team.id).order_by(Team.id)))
        db.session.execute(sa.insert(Team), [{"slug": f"team-{t}", "name": f"Team {t}", "parent_id": dept_ids[t % departments],
                                              "collected_metrics": "csat", "form_metric": "csat", "created_at": now}
                                             for t in range(args.teams)])
        team_ids = list(db.session.scalars(sa.select(Team.id).where(Team.parent_id.is_not(None)).order_by(Team.id)))
        db.session.execute(sa.insert(User), [{"email": f"p{n}@bench.test", "name": f"P {n}", "role": "staff",
                                              "team_id": team_ids[n % len(team_ids)], "timezone": "UTC", "active": True,
                                              "private_recognition": False, "nicknames": "", "created_at": now}
                                             for n in range(args.people)])
        db.session.commit()

        # --- Invitations -----------------------------------------------------------------
        slugs = [f"team-{t}" for t in range(args.teams)]
        cycles.pulse_now(slugs, now)
        db.session.commit()
        invite_time, sent = timed(lambda: delivery.send_due_invitations(now))
        db.session.commit()
        users = db.session.scalars(sa.select(User)).all()

        def floor():
            for user in users:
                record_notification("bench.floor", "Pulse", "A pulse is open.", recipient=user,
                                    secret_url="http://x/pulse/abc", dedupe_key=f"floor:{user.id}")
            db.session.commit()

        floor_time, _ = timed(floor)
        print(f"invitations: {sent} sent in {invite_time:.2f} s ({1000 * invite_time / sent:.2f} ms each); "
              f"floor (notifications alone) {floor_time:.2f} s; ratio {invite_time / floor_time:.1f}x")

        # --- Results ---------------------------------------------------------------------
        db.session.execute(sa.delete(Notification))
        db.session.execute(sa.delete(PulseParticipation))
        db.session.execute(sa.delete(PulseCycleItem))
        db.session.execute(sa.delete(PulseCycle))
        db.session.commit()
        members = {}
        for user_id, team_id in db.session.execute(sa.select(User.id, User.team_id)):
            members.setdefault(team_id, []).append(user_id)
        first = date.today() - timedelta(weeks=args.weeks)
        cycles = [{"origin_key": f"b:{t}:{w}", "team_id": t, "opens_on": first + timedelta(weeks=w), "sequence": w,
                   "first_invite_at": now, "closes_at": now, "closed_at": now, "created_at": now}
                  for t in team_ids for w in range(args.weeks)]
        cycle_ids = db.session.scalars(sa.insert(PulseCycle).returning(PulseCycle.id, sort_by_parameter_order=True),
                                       cycles).all()
        items, parts, answers = [], [], []
        for cid, cycle in zip(cycle_ids, cycles):
            for pos, driver in enumerate(list(DRIVERS[(cycle["sequence"] % 2) * 5:][:5]) + ["enps"]):
                items.append({"cycle_id": cid, "position": pos, "driver": driver,
                              "scale": "nps11" if driver == "enps" else "agree5", "wording": driver})
        item_ids = db.session.scalars(sa.insert(PulseCycleItem).returning(PulseCycleItem.id, sort_by_parameter_order=True),
                                      items).all()
        by_cycle = {}
        for item_id, item in zip(item_ids, items):
            by_cycle.setdefault(item["cycle_id"], []).append((item_id, item["driver"]))
        for cid, cycle in zip(cycle_ids, cycles):
            people = members.get(cycle["team_id"], [])
            answering = [p for p in people if rng.random() < 0.7]
            parts += [{"cycle_id": cid, "user_id": p, "invite_at": now, "invited_at": now, "answered": p in answering}
                      for p in people]
            for _ in answering:
                for item_id, driver in by_cycle[cid]:
                    answers.append({"id": uuid.uuid4().hex, "cycle_id": cid, "cycle_item_id": item_id, "driver": driver,
                                    "value": rng.randint(0, 10) if driver == "enps" else rng.randint(1, 5)})
        for chunk in range(0, len(parts), 20_000):
            db.session.execute(sa.insert(PulseParticipation), parts[chunk:chunk + 20_000])
        for chunk in range(0, len(answers), 20_000):
            db.session.execute(sa.insert(PulseAnswer), answers[chunk:chunk + 20_000])
        db.session.commit()

        baseline, _ = timed(lambda: db.session.execute(
            sa.select(PulseCycle.team_id, PulseAnswer.driver, sa.func.count(), sa.func.sum(PulseAnswer.value))
            .join(PulseCycle, PulseCycle.id == PulseAnswer.cycle_id).group_by(PulseCycle.team_id, PulseAnswer.driver)).all())
        compute_time, table = timed(lambda: results.compute("month", first, date.today(), threshold=5))
        shown = sum(1 for rows in table.values() for row in rows.values() if row.engagement.shown)
        print(f"results: {len(answers)} answers, {len(cycle_ids)} cycles, {len(table)} months × "
              f"{args.teams + departments + 1} groups ({shown} figures shown) in {compute_time:.2f} s; "
              f"floor (one GROUP BY) {baseline:.2f} s; ratio {compute_time / max(baseline, 1e-6):.1f}x")


if __name__ == "__main__":
    main()
