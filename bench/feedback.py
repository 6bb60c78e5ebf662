"""Feedback CSV import at organisation scale, against baselines measured in the same run.

    .venv/bin/python bench/feedback.py [--rows 50000] [--sample 2000]

Figures printed:
- reading the CSV alone (csv.DictReader over the decoded text): the floor any import pays;
- `import_feedback --dry-run` over all rows (validation + one bulk look-up of existing ids);
- the real import with the `feedback_received` receivers muted (the intake's own cost: validation,
  bulk look-up, bulk insert) and the re-import of the same file (everything already there);
- per row, the bulk import against a naive import of a sample that looks each id up and inserts
  row by row (`receive_feedback` per row);
- the real import of all rows with the receivers of other areas connected (praise routing with
  named people and their managers, the insights panel): what an import really costs, against the
  intake's own cost;
- on a sample, the receivers fed in batches (one `feedback_received` per step, as the intake does) against
  the same receivers fed one item at a time (how every item was handled before batching).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS_GOOD = ["Amara was wonderful and so kind", "Quick and friendly, thank you", "Great help from Kenji", "",
              "{first} sorted it all out", "Thanks to {full}, lovely service", "{first} and {other} made my day"]
FIRST = ["Amara", "Kenji", "Sofia", "Mateo", "Priya", "José", "Ingrid", "Tomasz", "Leila", "Diego", "Mei", "Kwame"]
LAST = ["Okafor", "Tanaka", "García", "Rossi", "Sharma", "Adeyemi", "Johansson", "Kowalski", "Haddad", "Chen"]
WORDS_BAD = ["Waited forty minutes at the till", "Nobody called me back", "The item was out of stock again", ""]


def make_csv(rows: int, teams: list[str], seed: int, prefix: str, names: dict[str, list[str]] | None = None) -> str:
    """Rows over the teams; praise may name people of the row's team (`names`: slug → full names)."""
    rng = random.Random(seed)
    names = names or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["external_id", "received_at", "team", "metric", "score", "comment", "consent"])
    ranges = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
    for n in range(rows):
        metric = rng.choice(list(ranges))
        score = rng.randint(*ranges[metric])
        good = score >= {"csat": 4, "nps": 9, "ces": 6}[metric]
        team = rng.choice(teams)
        people = names.get(team) or ["Amara Okafor", "Kenji Tanaka"]
        full, other = rng.choice(people), rng.choice(people)
        comment = rng.choice(WORDS_GOOD if good else WORDS_BAD).format(
            first=full.split()[0], full=full, other=other.split()[0])
        day = rng.randint(1, 28)
        writer.writerow([f"{prefix}-{n}", f"2026-0{rng.randint(1, 9)}-{day:02d}T{rng.randint(8, 19):02d}:15:00Z",
                         team, metric, score, comment, rng.choice(["true", "false", ""])])
    return buffer.getvalue()


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--people", type=int, default=240, help="staff across the teams (praise routing)")
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-feedback-"))

    from unittest import mock

    from flask import current_app

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.outbox.models import Notification
    from flashpoint.people.models import Team, User
    from recognition.feedback import imports, intake
    from recognition.feedback.models import Feedback
    from recognition.signals import feedback_received

    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-feedback-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    with app.app_context():
        upgrade_database()
        departments = [Team(slug=f"dept-{d}", name=f"Department {d}") for d in range(3)]
        db.session.add_all(departments)
        slugs = [f"team-{n}" for n in range(12)]
        teams = [Team(slug=s, name=s.title(), parent=departments[n % 3]) for n, s in enumerate(slugs)]
        db.session.add_all(teams)
        rng = random.Random(11)
        names: dict[str, list[str]] = {}
        for i in range(args.people):
            team = teams[i % len(teams)]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            names.setdefault(team.slug, []).append(name)
            db.session.add(User(email=f"p{i}@bench.test", name=name, team=team, role="staff"))
        for team in teams:
            manager = User(email=f"m-{team.slug}@bench.test", name=f"Manager {team.slug}", role="manager", team=team)
            db.session.add(manager)
            team.managers.append(manager)
        db.session.commit()
        text = make_csv(args.rows, slugs, 1, "bulk", names)
        hooked_text = make_csv(args.rows, slugs, 4, "real", names)
        sample = make_csv(args.sample, slugs, 2, "naive", names)
        sample_batched = make_csv(args.sample, slugs, 3, "batched", names)
        sample_single = make_csv(args.sample, slugs, 3, "single", names)  # the same rows, other ids

        parse, _ = timed(lambda: sum(1 for _ in csv.DictReader(io.StringIO(text))))
        dry, report = timed(lambda: imports.import_feedback(text, dry_run=True))
        assert report.ok and report.added == args.rows, report.errors[:3]
        with feedback_received.muted():
            real, report = timed(lambda: imports.import_feedback(text))
            db.session.commit()
            assert report.added == args.rows
            again, report = timed(lambda: imports.import_feedback(text))
            assert report.added == 0 and report.unchanged == args.rows

            def naive():
                for row in imports.read_feedback_rows(sample):
                    intake.receive_feedback(row.values, "csv")
            naive_time, _ = timed(naive)
            db.session.commit()

        def import_committed(csv_text: str) -> None:
            report = imports.import_feedback(csv_text)
            assert report.ok and report.added == csv_text.count("\n") - 1, report.errors[:3]
            db.session.commit()

        notes_before = db.session.scalar(db.select(db.func.count(Notification.id)))
        hooked, _ = timed(lambda: import_committed(hooked_text))
        notes_real = db.session.scalar(db.select(db.func.count(Notification.id))) - notes_before
        batched, _ = timed(lambda: import_committed(sample_batched))

        def one_by_one(items, credited=None) -> None:
            # Before batching: every receiver handled every item as it was announced.
            app_object = current_app._get_current_object()
            for item in items:
                feedback_received.send(app_object, items=[item], credited=dict(credited or {}))
        with mock.patch.object(imports, "announce", one_by_one):
            single, _ = timed(lambda: import_committed(sample_single))
        total = db.session.scalar(db.select(db.func.count(Feedback.id)))

    per_row = real / args.rows
    print(f"Feedback import, {args.rows:,} rows (SQLite; {args.people} people in 12 teams; "
          f"{total:,} rows stored at the end)")
    print(f"  baseline: read the CSV alone          {parse:8.2f} s")
    print(f"  dry run (validate + bulk look-up)     {dry:8.2f} s   ratio {dry / parse:6.1f}x the CSV read")
    print(f"  import, receivers muted               {real:8.2f} s   ratio {real / parse:6.1f}x the CSV read")
    print(f"  re-import (all {args.rows:,} already there)  {again:8.2f} s   ratio {again / parse:6.1f}x the CSV read")
    print(f"  import with praise routing + insights {hooked:8.2f} s   ratio {hooked / real:6.1f}x the muted import "
          f"({notes_real:,} notifications recorded)")
    print(f"  per row: bulk {per_row * 1e6:7.0f} µs · naive row by row {naive_time / args.sample * 1e6:7.0f} µs "
          f"(ratio {naive_time / args.sample / per_row:4.1f}x)")
    print(f"  receivers on {args.sample:,} rows: in batches {batched:6.2f} s · one item at a time {single:6.2f} s "
          f"(ratio {single / batched:4.1f}x)")


if __name__ == "__main__":
    main()
