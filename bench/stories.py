"""Praise routing at organisation scale, against a baseline measured in the same run.

    .venv/bin/python bench/stories.py [--people 2000] [--teams 200] [--feedback 3000]

Figures printed:
- routing positive feedback one item at a time (matching names in the team, the department, then
  the organisation) with the process's people directory, read once and checked by its version;
- the baseline: the same items routed each with the directory read afresh (what every item cost
  when the people were looked up again for each one);
- per item, and the ratio between the two. Notifications are recorded in both runs.

BENCH_PROFILE=1 prints a profile of the cached run instead.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST = ["Amara", "Kenji", "Sofia", "Mateo", "Priya", "José", "Ingrid", "Tomasz", "Leila", "Diego", "Mei",
         "Kwame", "Anika", "Rafael", "Yasmin", "Lars", "Chiara", "Arjun", "Nadia", "Emeka", "Hana", "Jonas"]
LAST = ["Okafor", "Tanaka", "García", "Rossi", "Sharma", "Adeyemi", "Johansson", "Kowalski", "Haddad", "Chen",
        "Mensah", "Müller", "Silva", "Rahman", "Nielsen", "Bianchi", "Patel", "Petrova", "Nwosu", "Kim"]
PHRASES = ["{n} was wonderful and so kind", "Thanks to {n}'s patience we sorted it out", "Great help from {n}!",
           "{n} and {m} made my day", "Quick service, thank you", "Despite the mix-up, {n} fixed it"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--feedback", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-stories-"))

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.people.models import Team, User
    from flashpoint.timeutil import utcnow
    from recognition.feedback.models import Feedback
    from recognition.praise import routing as praise
    from recognition.praise.models import PraiseMatch
    from flashpoint.outbox.models import Notification
    from flashpoint.people import directory

    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-stories-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    rng = random.Random(7)
    with app.app_context():
        upgrade_database()
        departments = [Team(slug=f"dept-{d}", name=f"Department {d}") for d in range(max(1, args.teams // 10))]
        db.session.add_all(departments)
        teams = [Team(slug=f"team-{t}", name=f"Team {t}", parent=departments[t % len(departments)])
                 for t in range(args.teams)]
        db.session.add_all(teams)
        people = [User(email=f"p{i}@bench.test", name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                       team=teams[i % len(teams)], role="staff") for i in range(args.people)]
        db.session.add_all(people)
        for team in teams:
            manager = User(email=f"m-{team.slug}@bench.test", name=f"Manager {team.slug}", role="manager", team=team)
            db.session.add(manager)
            team.managers.append(manager)
        db.session.flush()
        now = utcnow()
        for n in range(args.feedback):
            team = rng.choice(teams)
            members = [p for p in people if p.team_id == team.id] or people
            a, b = rng.choice(members), rng.choice(people)
            text = rng.choice(PHRASES).format(n=rng.choice([a.first_name, a.name]), m=b.name)
            db.session.add(Feedback(external_id=f"b-{n}", team=team, metric="csat", score=5, comment=text,
                                    helper_name="", received_at=now - timedelta(minutes=n), channel="csv",
                                    consent=False, positive=True))
        db.session.commit()

        def reset():
            db.session.execute(db.delete(Notification))
            db.session.execute(db.delete(PraiseMatch))
            db.session.commit()

        def run(fresh_lookup: bool) -> tuple[float, int]:
            reset()
            items = db.session.scalars(db.select(Feedback).order_by(Feedback.id)).all()
            start = time.perf_counter()
            routed = 0
            for item in items:
                if fresh_lookup:
                    directory.forget()
                if praise.route_feedback(item, check_existing=False):
                    routed += 1
            db.session.commit()
            return time.perf_counter() - start, routed

        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats
            cProfile.runctx("run(False)", globals(), locals(), "/tmp/fp-bench.prof")
            pstats.Stats("/tmp/fp-bench.prof").sort_stats("cumulative").print_stats(30)
            return
        baseline, routed_a = run(fresh_lookup=True)
        cached, routed_b = run(fresh_lookup=False)
        assert routed_a == routed_b
        n = args.feedback
        print(f"{args.people:,} people in {args.teams} teams; {n:,} positive items, {routed_b:,} naming someone")
        print(f"baseline (directory read per item): {baseline:7.2f} s  {1000 * baseline / n:6.2f} ms/item")
        print(f"directory kept by the process:      {cached:7.2f} s  {1000 * cached / n:6.2f} ms/item")
        print(f"ratio baseline / cached:            {baseline / cached:7.1f}x")


if __name__ == "__main__":
    main()
