"""`flask rebuild-insights` at organisation scale against one aggregate SQL pass over the raw rows,
measured in the same run.

    .venv/bin/python bench/rebuild.py --database-url sqlite:///$PWD/copy-of-org.db [--rounds 2]
    .venv/bin/python bench/rebuild.py [--scale 0.02]     # on an organisation generated for the run

It rewrites the insights panel of the database it is given (the same rows again): give it a copy of a
generated organisation (`bench/org.py`), or a PostgreSQL database of your own; without one it
generates an organisation at `--scale` into a temporary SQLite file (what `make bench` runs).

The baseline is one aggregate pass over the rows the rebuild must read most of: feedback grouped by
team and metric (counts, sums, CSAT's good, NPS's promoters and detractors) and pulse answers grouped
by cycle and driver (counts, sums, promoters, detractors), as the database plans them; on SQLite also
the feedback pass forced to read the table through (`NOT INDEXED`), which SQLite's planner does not
choose by itself. The rebuild is `engagement.insights.panel.rebuild()` and its commit, in this process.
Each round runs baseline, rebuild, baseline; the figure is the rebuild's time over the mean of the
baselines around it, wall and CPU (the machine is shared: CPU time drifts less). Peak RSS is the
process's high-water mark after the rebuilds.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a generated organisation (its insights panel is rewritten)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale", type=float, default=0.02, help="without --database-url: the scale generated")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-rebuild-"))
    if not args.database_url:
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_org", Path(__file__).resolve().parent / "org.py")
        org = importlib.util.module_from_spec(spec)
        sys.modules.setdefault("bench_org", org)
        spec.loader.exec_module(org)
        args.database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='fp-bench-rebuild-db-')) / 'org.db'}"
        org.generate(args.database_url, args.scale, insights=False, out=lambda *_args, **_kw: None)
    os.environ["FLASHPOINT_SCHEDULER"] = "off"
    os.environ["DATABASE_URL"] = args.database_url

    import sqlalchemy as sa

    from engagement.insights import panel
    from flashpoint import create_app
    from flashpoint.extensions import db

    app = create_app()
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        score = "score"
        feedback = (f"SELECT team_id, metric, count(*), sum({score}), sum(CASE WHEN {score} >= 4 THEN 1 ELSE 0 END), "
                    f"sum(CASE WHEN {score} >= 9 THEN 1 ELSE 0 END), sum(CASE WHEN {score} <= 6 THEN 1 ELSE 0 END) "
                    "FROM feedback {hint} GROUP BY team_id, metric")
        answers = ("SELECT cycle_id, driver, count(*), sum(value), sum(CASE WHEN value >= 9 THEN 1 ELSE 0 END), "
                   "sum(CASE WHEN value <= 6 THEN 1 ELSE 0 END) FROM pulse_answers GROUP BY cycle_id, driver")

        def baseline(hint: str = ""):
            with db.engine.connect() as connection:
                connection.execute(sa.text(feedback.format(hint=hint))).all()
                connection.execute(sa.text(answers)).all()

        def rebuild():
            rows = panel.rebuild()
            db.session.commit()
            return rows

        counts = db.session.execute(sa.text("SELECT (SELECT count(*) FROM feedback), (SELECT count(*) FROM pulse_answers)")).one()
        print(f"{db.engine.dialect.name}: {counts[0]:,} feedback items, {counts[1]:,} pulse answers")
        ratios = []
        for round_ in range(1, args.rounds + 1):
            before = timed(baseline)
            scan = timed(lambda: baseline("NOT INDEXED")) if sqlite else None
            wall, cpu, rows = timed(rebuild)
            after = timed(baseline)
            base_wall, base_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
            ratios.append((wall / base_wall, cpu / base_cpu))
            print(f"round {round_}: baseline {before[0]:6.2f} s / {after[0]:6.2f} s wall ({before[1]:.2f} / {after[1]:.2f} s CPU)"
                  + (f"; read through (NOT INDEXED) {scan[0]:6.2f} s ({scan[1]:.2f} s CPU)" if scan else ""))
            print(f"         rebuild {wall:6.2f} s wall ({cpu:.2f} s CPU), {rows:,} team-periods: "
                  f"{wall / base_wall:.2f}x the baseline (CPU {cpu / base_cpu:.2f}x)"
                  + (f"; {wall / scan[0]:.2f}x the read-through pass (CPU {cpu / scan[1]:.2f}x)" if scan else ""))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rebuild ÷ baseline, wall: {', '.join(f'{w:.2f}' for w, _ in ratios)}; CPU: "
              f"{', '.join(f'{c:.2f}' for _, c in ratios)} (target ≤ 2); peak RSS {peak:.0f} MB")
        if args.json:
            Path(args.json).write_text(json.dumps({
                "database": db.engine.dialect.name, "feedback": counts[0], "answers": counts[1],
                "ratios": [{"wall": w, "cpu": c} for w, c in ratios], "peak_mb": peak}, indent=2) + "\n")


if __name__ == "__main__":
    main()
