"""The feedback intake at organisation scale: `POST /api/v1/feedback` against /healthz over HTTP, and
`import-feedback` against a plain executemany (PostgreSQL: COPY) of the same rows, same run.

    .venv/bin/python bench/intake.py http --database-url URL [--requests 300] [--rounds 3] [--compare-with DIR]
    .venv/bin/python bench/intake.py import --database-url URL [--rows 50000,200000] [--compare-with DIR]

http: gunicorn (-w 2) serves the database; 2 client processes send /healthz, then the intake, then
/healthz again, `--rounds` times (the machine's speed drifts: each intake run is compared with the
/healthz runs beside it). Items are realistic (bench/_http.py: a team's metric, a score, a comment
that often names someone of the team). With --compare-with, another checkout serves the same
database in the same run, turn about ("before" and "after").

import: for each row count, a CSV of that many new rows over the organisation's teams (praise naming
its people) is imported by `flask import-feedback` in its own process (wall time, peak RSS), then the
same rows are inserted by a plain executemany (SQLite) or COPY (PostgreSQL) into the same table; the
ratio is the import's rows/s over the baseline's. Both write: give a copy of a database.
"""
from __future__ import annotations

import argparse
import json
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _http  # noqa: E402
import _server  # noqa: E402
from _server import Gunicorn, app_env, flask_command  # noqa: E402
from pages import Load, merge, read_database, sqlalchemy_url  # noqa: E402


def token_for(url: str) -> str:
    folder = tempfile.mkdtemp(prefix="flashpoint-bench-")
    name = "bench-intake-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    out = flask_command(["create-api-token", name, "--scope", "feedback:write"], url, folder)
    return out.strip().splitlines()[-1].strip()


def bench_http(args, url: str, teams: list[dict], token: str, root: Path) -> dict:
    _server.ROOT = root
    bearer = {"Authorization": f"Bearer {token}"}
    with Gunicorn(url, args.workers, 60) as server:
        load = Load(args.clients, server, 60)
        warmups = min(args.clients, args.workers)  # one untimed request per client beside a worker

        def measure(path: str, **kwargs) -> dict:
            # The workers' CPU time per request: what the machine's other jobs disturb far less than the rate.
            before = server.cpu_seconds()
            run = load.measure(path, args.requests, **kwargs)
            run["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / (run["n"] + warmups)
            return run

        try:
            health, intake = [measure("/healthz")], []
            for _ in range(args.rounds):
                intake.append(measure("/api/v1/feedback", method="POST", headers=bearer, body="feedback",
                                      teams=teams, expect=201))
                health.append(measure("/healthz"))
        finally:
            load.close()
    ratios = [run["rps"] / merge(health[i:i + 2])["rps"] for i, run in enumerate(intake)]
    cpu_ratios = [(health[i]["cpu_ms"] + health[i + 1]["cpu_ms"]) / 2 / run["cpu_ms"] for i, run in enumerate(intake)]
    errors = sum(run["errors"] for run in intake)
    all_intake = merge(intake)
    return {"root": str(root), "intake_rps": all_intake["rps"], "intake_p50": all_intake["p50_ms"],
            "intake_p95": all_intake["p95_ms"], "healthz_rps": merge(health)["rps"], "ratios": ratios,
            "ratio": sum(ratios) / len(ratios), "errors": errors, "cpu_ratios": cpu_ratios,
            "intake_cpu_ms": [run["cpu_ms"] for run in intake], "healthz_cpu_ms": [run["cpu_ms"] for run in health],
            "peak_mb": sorted(round(kb / 1024) for kb in server.peak_kb.values())}


def print_http(result: dict, label: str) -> None:
    print(f"{label}: intake {result['intake_rps']:.1f} items/s (p50 {result['intake_p50']:.1f} ms, "
          f"p95 {result['intake_p95']:.1f} ms), /healthz {result['healthz_rps']:.1f} req/s, "
          f"ratio {result['ratio']:.3f} (rounds {', '.join(f'{r:.3f}' for r in result['ratios'])}; target ≥ 0.6), "
          f"failed {result['errors']}, workers' peak RSS {result['peak_mb']} MB", flush=True)
    print(f"{label}: workers' CPU per request: intake {', '.join(f'{ms:.2f}' for ms in result['intake_cpu_ms'])} ms, "
          f"/healthz {', '.join(f'{ms:.2f}' for ms in result['healthz_cpu_ms'])} ms; CPU ratio "
          f"{', '.join(f'{r:.3f}' for r in result['cpu_ratios'])} (/healthz's CPU per request over the intake's)",
          flush=True)


# --- Import -------------------------------------------------------------------------------------

COLUMNS = ["external_id", "received_at", "team", "metric", "score", "comment", "consent"]


def write_csv(path: Path, rows: int, teams: list[dict], prefix: str, seed: int) -> None:
    """`rows` new items over two years, each about a team, in its metrics, praise often naming its people."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(rows):
            item = json.loads(_http.feedback_body(rng, f"{prefix}-{n}", teams))
            when = now - timedelta(minutes=rng.randint(60, 730 * 24 * 60))
            writer.writerow([item["external_id"], when.strftime("%Y-%m-%dT%H:%M:%SZ"), item["team"], item["metric"],
                             item["score"], item["comment"] or "", "true" if item["consent"] else "false"])


def run_import(path: Path, url: str, root: Path) -> tuple[float, int, str, float]:
    """`flask import-feedback PATH` in its own process: (seconds, peak RSS in MB, its last line, CPU seconds)."""
    instance = tempfile.mkdtemp(prefix="flashpoint-bench-")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "import-feedback", str(path)],
                               cwd=root, env=app_env(url, instance), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"import-feedback failed ({status}): {output[-500:]}")
    return seconds, round(usage.ru_maxrss / 1024), output.strip().splitlines()[-1], usage.ru_utime + usage.ru_stime


def baseline_insert(path: Path, url: str) -> tuple[float, float]:
    """The same rows (already parsed: only the insert is timed) by one executemany, or COPY on PostgreSQL:
    (seconds, CPU seconds of this process)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_url(url))
    teams = {}
    with engine.connect() as conn:
        teams = dict(conn.execute(text("SELECT slug, id FROM teams")).all())
    created = datetime.now(timezone.utc).replace(tzinfo=None)
    with path.open(newline="", encoding="utf-8") as f:
        rows = [("base-" + r["external_id"], teams[r["team"]], r["metric"], int(r["score"]), r["comment"], "",
                 datetime.fromisoformat(r["received_at"].replace("Z", "")), "csv", r["consent"] == "true",
                 int(r["score"]) >= {"csat": 4, "nps": 9, "ces": 6}[r["metric"]], created)
                for r in csv.DictReader(f)]
    columns = "external_id, team_id, metric, score, comment, helper_name, received_at, channel, consent, positive, created_at"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started, cpu = time.perf_counter(), time.process_time()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY feedback ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO feedback ({columns}) VALUES ({', '.join('?' * 11)})", rows)
        raw.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        raw.close()
        engine.dispose()
    return seconds, cpu


def bench_import(args, url: str, teams: list[dict], root: Path, label: str) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="flashpoint-bench-import-"))
    results = []
    for rows in args.rows:
        path = folder / f"feedback-{rows}.csv"
        write_csv(path, rows, teams, f"imp-{label}-{datetime.now(timezone.utc):%H%M%S}-{rows}", seed=rows)
        seconds, peak, said, cpu = run_import(path, url, root)
        base, base_cpu = baseline_insert(path, url)
        name = "COPY" if url.startswith("postgres") else "executemany"
        print(f"{label}: {rows:,} rows: import-feedback {seconds:6.1f} s ({rows / seconds:7.0f} rows/s, peak RSS "
              f"{peak} MB) · plain {name} {base:5.2f} s ({rows / base:7.0f} rows/s) · ratio "
              f"{base / seconds:.3f} (target ≥ 0.4) · {said}", flush=True)
        print(f"{label}: {rows:,} rows: CPU: import-feedback {cpu:6.1f} s (the whole command, the app's start "
              f"included) · plain {name} {base_cpu:5.2f} s (this process) · CPU ratio {base_cpu / cpu:.3f}", flush=True)
        path.unlink()
        results.append({"label": label, "rows": rows, "seconds": seconds, "peak_mb": peak, "cpu_seconds": cpu,
                        "baseline": name, "baseline_seconds": base, "baseline_cpu_seconds": base_cpu,
                        "ratio": base / seconds, "cpu_ratio": base_cpu / cpu})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["http", "import"])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--requests", type=int, default=300, help="requests per run (http)")
    parser.add_argument("--rounds", type=int, default=3, help="intake runs, each between two /healthz runs (http)")
    parser.add_argument("--rows", default="50000,200000", help="row counts to import (import)")
    parser.add_argument("--compare-with", metavar="DIR", help="another checkout, measured in the same run")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is needed: a copy of a generated organisation")
    args.rows = [int(r) for r in args.rows.split(",")]
    url = args.database_url
    flask_command(["init-db"], url, tempfile.mkdtemp(prefix="flashpoint-bench-"))  # this checkout's migrations
    teams, _emails = read_database(url)
    roots = [(ROOT, "this checkout")]
    if args.compare_with:
        roots.insert(0, (Path(args.compare_with).resolve(), "compared"))
    figures: dict = {"mode": args.mode, "database": url.split(":")[0], "runs": {}}
    if args.mode == "http":
        token = token_for(url)
        for root, label in roots:
            figures["runs"][label] = bench_http(args, url, teams, token, root)
            print_http(figures["runs"][label], label)
    else:
        for root, label in roots:
            figures["runs"][label] = bench_import(args, url, teams, root, "before" if label == "compared" else "after")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
