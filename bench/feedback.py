"""Feedback CSV import at organisation scale, against baselines measured in the same run.

    .venv/bin/python bench/feedback.py [--rows 50000] [--sample 2000]

Figures printed:
- reading the CSV alone (csv.DictReader over the decoded text): the floor any import pays;
- `import_feedback --dry-run` over all rows (validation + one bulk look-up of existing ids);
- the real import with the `feedback_received` receivers muted (the intake's own cost: validation,
  bulk look-up, bulk insert) and the re-import of the same file (everything already there);
- per row, the bulk import against a naive import of a sample that looks each id up and inserts
  row by row (`receive_feedback` per row), and against the same bulk import with the receivers
  of other areas (praise routing, insights panel) connected — what a real import costs per row.
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

WORDS_GOOD = ["Amara was wonderful and so kind", "Quick and friendly, thank you", "Great help from Kenji", ""]
WORDS_BAD = ["Waited forty minutes at the till", "Nobody called me back", "The item was out of stock again", ""]


def make_csv(rows: int, teams: list[str], seed: int, prefix: str) -> str:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["external_id", "received_at", "team", "metric", "score", "comment", "consent"])
    ranges = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
    for n in range(rows):
        metric = rng.choice(list(ranges))
        score = rng.randint(*ranges[metric])
        good = score >= {"csat": 4, "nps": 9, "ces": 6}[metric]
        comment = rng.choice(WORDS_GOOD if good else WORDS_BAD)
        day = rng.randint(1, 28)
        writer.writerow([f"{prefix}-{n}", f"2026-0{rng.randint(1, 9)}-{day:02d}T{rng.randint(8, 19):02d}:15:00Z",
                         rng.choice(teams), metric, score, comment, rng.choice(["true", "false", ""])])
    return buffer.getvalue()


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-feedback-"))

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.people.models import Team
    from recognition.feedback import services
    from recognition.feedback.models import Feedback
    from recognition.signals import feedback_received

    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-feedback-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    with app.app_context():
        upgrade_database()
        slugs = [f"team-{n}" for n in range(12)]
        db.session.add_all(Team(slug=s, name=s.title()) for s in slugs)
        db.session.commit()
        text = make_csv(args.rows, slugs, 1, "bulk")
        sample = make_csv(args.sample, slugs, 2, "naive")
        sample_bulk = make_csv(args.sample, slugs, 3, "hooked")

        parse, _ = timed(lambda: sum(1 for _ in csv.DictReader(io.StringIO(text))))
        dry, report = timed(lambda: services.import_feedback(text, dry_run=True))
        assert report.ok and report.added == args.rows, report.errors[:3]
        with feedback_received.muted():
            real, report = timed(lambda: services.import_feedback(text))
            db.session.commit()
            assert report.added == args.rows
            again, report = timed(lambda: services.import_feedback(text))
            assert report.added == 0 and report.already == args.rows

            def naive():
                for _line, row in services.read_feedback_rows(sample):
                    services.receive_feedback(row, "csv")
            naive_time, _ = timed(naive)
            db.session.commit()
        hooked, report = timed(lambda: services.import_feedback(sample_bulk))
        db.session.commit()
        assert report.added == args.sample
        total = db.session.scalar(db.select(db.func.count(Feedback.id)))

    per_row = real / args.rows
    print(f"Feedback import, {args.rows:,} rows (SQLite; {total:,} rows stored at the end)")
    print(f"  baseline: read the CSV alone          {parse:8.2f} s")
    print(f"  dry run (validate + bulk look-up)     {dry:8.2f} s   ratio {dry / parse:6.1f}x the CSV read")
    print(f"  import, receivers muted               {real:8.2f} s   ratio {real / parse:6.1f}x the CSV read")
    print(f"  re-import (all {args.rows:,} already there)  {again:8.2f} s   ratio {again / parse:6.1f}x the CSV read")
    print(f"  per row: bulk {per_row * 1e6:7.0f} µs · naive row by row {naive_time / args.sample * 1e6:7.0f} µs "
          f"(ratio {naive_time / args.sample / per_row:4.1f}x) · bulk with receivers "
          f"{hooked / args.sample * 1e6:7.0f} µs (ratio {hooked / args.sample / per_row:4.1f}x)")


if __name__ == "__main__":
    main()
