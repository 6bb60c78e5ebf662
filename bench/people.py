"""People CSV import at organisation scale, against a baseline measured in the same run.

    .venv/bin/python bench/people.py [--rows 5000] [--sample 500]

Figures printed:
- reading the CSV alone (csv.DictReader): the floor any import pays;
- `import_people` adding every row to an organisation of 15 teams (one preloaded look-up of teams,
  e-mails and Slack ids, then a bulk flush), and re-importing the same file (all unchanged);
- per row, that bulk import against a naive import of a sample that asks the database for each
  row's e-mail, team and Slack id and flushes row by row (`create_user` per row, as before).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEAMS = [f"team-{n:02d}" for n in range(15)]


def make_csv(rows: int, prefix: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "name", "role", "team", "slack_id", "timezone"])
    for n in range(rows):
        writer.writerow([f"{prefix}{n}@example.org", f"Person {prefix}{n}", "manager" if n % 40 == 0 else "staff",
                         TEAMS[n % len(TEAMS)], f"U{prefix.upper()}{n:06d}", "Europe/Paris"])
    return out.getvalue()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-people-"))
    os.environ.setdefault("FLASHPOINT_INSTANCE", str(workdir))
    from flashpoint import create_app
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.people import services
    from flashpoint.people.models import Team

    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}"))
    try:
        with app.app_context():
            from flashpoint.cli import upgrade_database

            upgrade_database()
            db.session.add_all(Team(slug=slug, name=slug.title()) for slug in TEAMS)
            db.session.commit()
            text = make_csv(args.rows, "b")
            sample = make_csv(args.sample, "n")

            read = timed(lambda: sum(1 for _ in csv.DictReader(io.StringIO(text))))

            def bulk():
                report = services.import_people(text)
                assert report.ok and report.added == args.rows, report.errors[:3]
                db.session.commit()

            def again():
                report = services.import_people(text)
                assert report.ok and report.unchanged == args.rows
                db.session.commit()

            def naive():
                for row in csv.DictReader(io.StringIO(sample)):
                    services.create_user(services.PersonFields(
                        email=row["email"], name=row["name"], role=row["role"], team_slug=row["team"],
                        slack_id=row["slack_id"], timezone=row["timezone"]))
                    db.session.flush()
                db.session.commit()

            t_bulk, t_again, t_naive = timed(bulk), timed(again), timed(naive)
            per_bulk = t_bulk / args.rows * 1e3
            per_naive = t_naive / args.sample * 1e3
            print(f"people import, {args.rows} rows into 15 teams (SQLite)")
            print(f"  reading the CSV alone      {read:7.2f} s")
            print(f"  import (all new)           {t_bulk:7.2f} s   {per_bulk:6.3f} ms/row")
            print(f"  re-import (all unchanged)  {t_again:7.2f} s   {t_again / args.rows * 1e3:6.3f} ms/row")
            print(f"  naive row by row ({args.sample} rows) {t_naive:5.2f} s   {per_naive:6.3f} ms/row")
            print(f"  ratio naive / bulk per row {per_naive / per_bulk:7.1f}x")
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
