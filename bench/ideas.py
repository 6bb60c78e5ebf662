"""The idea board and the similar-ideas lookup at organisation scale, against baselines measured
in the same run.

    .venv/bin/python bench/ideas.py [--ideas 5000] [--people 2000] [--teams 200] [--votes 40000]

Figures printed:
- similar ideas while typing (scoring the 500 most recent ideas in Python) against the baseline of
  only reading those 500 ideas and their vote counts from the database;
- the board's first page sorted by most votes against the same page sorted by newest;
- a status change told to an idea's voters and followers (1,000 of them), per recipient.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("queue till checkout refund parking delivery engineer arrival stock website shelf label price "
         "call hold chat bot handover greeting welcome fitting room voucher manager parts van customer "
         "badge umbrella water dog entrance card reader payment contactless rota training").split()


def timed(fn, repeat: int) -> float:
    """Median seconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--votes", type=int, default=40000)
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-ideas-"))

    from sqlalchemy import func, insert

    from engagement.ideas import workflow
    from engagement.ideas.board import SIMILAR_POOL, BoardFilters, board_query, similar_ideas, votes_subquery
    from engagement.ideas.models import Idea, IdeaFollower, IdeaVote
    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.people.models import Team, User
    from flashpoint.timeutil import utcnow

    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-ideas-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    rng = random.Random(11)
    with app.app_context():
        upgrade_database()
        teams = [Team(slug=f"team-{t}", name=f"Team {t}") for t in range(args.teams)]
        db.session.add_all(teams)
        db.session.flush()
        people = [User(email=f"p{i}@bench.test", name=f"Person {i}", team=teams[i % len(teams)],
                       role="manager" if i < len(teams) else "staff") for i in range(args.people)]
        db.session.add_all(people)
        db.session.flush()
        for i, team in enumerate(teams):
            team.managers.append(people[i])
        now = utcnow()
        rows = []
        for n in range(args.ideas):
            when = now - timedelta(minutes=n * 7)
            rows.append({"title": " ".join(rng.sample(WORDS, 6)).capitalize(), "description": " ".join(rng.sample(WORDS, 12)),
                         "kind": "idea", "team_id": teams[n % len(teams)].id, "submitter_id": people[n % len(people)].id,
                         "anonymous": False, "owner_id": people[n % len(teams)].id, "status": "new",
                         "created_at": when, "updated_at": when, "status_changed_at": when})
        db.session.execute(insert(Idea), rows)
        idea_ids = list(db.session.scalars(db.select(Idea.id)))
        pairs = set()
        while len(pairs) < args.votes:
            pairs.add((rng.choice(idea_ids), rng.randrange(1, args.people + 1)))
        db.session.execute(insert(IdeaVote), [{"idea_id": i, "user_id": u, "created_at": now} for i, u in pairs])
        db.session.commit()
        viewer = db.session.get(User, 1)

        def read_pool():
            votes = votes_subquery()
            db.session.execute(db.select(Idea, func.coalesce(votes.c.votes, 0))
                               .outerjoin(votes, votes.c.idea_id == Idea.id).where(Idea.status != "duplicate")
                               .order_by(Idea.created_at.desc(), Idea.id.desc()).limit(SIMILAR_POOL)).all()
            db.session.expire_all()

        def lookup():
            similar_ideas("long queue at the checkout till")
            db.session.expire_all()

        base = timed(read_pool, 15)
        similar = timed(lookup, 15)
        print(f"similar ideas: {similar * 1000:.1f} ms per lookup; reading the {SIMILAR_POOL} ideas alone "
              f"{base * 1000:.1f} ms; ratio {similar / base:.2f}")

        def page(sort):
            def run():
                db.paginate(board_query(BoardFilters(scope="org", sort=sort), viewer), page=1, per_page=20,
                            error_out=False, count=True)
                db.session.expire_all()
            return run

        newest = timed(page("newest"), 15)
        votes = timed(page("votes"), 15)
        print(f"board page 1 of {args.ideas} ideas: most votes {votes * 1000:.1f} ms, newest {newest * 1000:.1f} ms; "
              f"ratio {votes / newest:.2f}")

        idea = db.session.get(Idea, idea_ids[0])
        db.session.execute(db.delete(IdeaVote).where(IdeaVote.idea_id == idea.id))
        crowd = people[len(teams):len(teams) + 1000]
        db.session.execute(insert(IdeaVote), [{"idea_id": idea.id, "user_id": p.id, "created_at": now} for p in crowd[:700]])
        if crowd[700:]:  # a small --people leaves no one to follow without voting
            db.session.execute(insert(IdeaFollower), [{"idea_id": idea.id, "user_id": p.id, "created_at": now}
                                                      for p in crowd[700:]])
        db.session.commit()
        start = time.perf_counter()
        workflow.change_status(idea, idea.owner, "planned", "On the plan for next month.")
        db.session.commit()
        spent = time.perf_counter() - start
        print(f"status change told to {len(crowd)} voters and followers: {spent * 1000:.0f} ms, "
              f"{spent / len(crowd) * 1000:.2f} ms per recipient")


if __name__ == "__main__":
    main()
