"""Pages over HTTP: gunicorn on a database, a load generator in other processes, each figure against /healthz.

    .venv/bin/python bench/pages.py [--database-url URL] [--workers 2] [--clients C] [--requests K]
                                    [--quick] [--json FILE] [--workers-compare 2,4]
                                    [--login ROLE=EMAIL ...] [--password PW] [--token TOKEN]

The database comes from --database-url, else DATABASE_URL, else a demo organisation built for the
run in a temporary SQLite file. gunicorn serves it (`-w N`, FLASHPOINT_SCHEDULER=off, a temporary
instance folder, a fixed SECRET_KEY); the load generator, a pool of C processes, signs in as each
role through /login (the demo's or bench/org.py's logins, whichever the database holds, unless
--login says) and sends each page K times, C requests at a time.

Figures printed, each with its ratio to what /healthz does on the same server in the same run:
- per page and role (manager, HR, staff): p50/p95/p99 latency, the gunicorn workers' CPU time per
  request (from /proc; the database server's own work is not in it), requests/s, response size, and
  the issue's target (p95) when it has one; pages a role may not open (403) are listed, not timed;
- the correlation API (weekly, two years) and the feedback intake (`POST /api/v1/feedback`, new
  external ids, comments that sometimes name someone): its rate ÷ the /healthz rate;
- peak memory (VmHWM) of each gunicorn worker;
- with --workers-compare 2,4: pages per second of the whole page mix at each worker count, and the
  ratio; both servers run at once and take turns page by page, so drift falls on both alike.

The run writes to the database: an API token named bench-pages-<time> and the feedback items
it posts (external ids bench-<time>-…). Exit status 1 when a request fails (not 200, or not 201 for
the intake), the server does not start or dies, or a sign-in fails; targets missed are reported only.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _http  # noqa: E402  (the bench folder, for the load generator's processes too)
from _server import Gunicorn, ServerError, flask_command  # noqa: E402

# The logins of the demo (`flask demo`) and of the generated organisation (bench/org.py): whichever
# the database holds is used when --login is not given.
KNOWN_LOGINS = [
    ({"manager": "manager@org.test", "hr": "hr@org.test", "staff": "staff@org.test"}, "flashpoint-bench"),
    ({"manager": "manager@demo.flashpoint.test", "hr": "hr@demo.flashpoint.test",
      "staff": "staff@demo.flashpoint.test"}, "flashpoint-demo"),
]
DEEP_PAGE = 500
BASELINE_MIN = 60  # /healthz answers in milliseconds: a few dozen requests keep its rate from being noise
# (label, path; {deep} is page 500 or the list's last page when it has fewer)
PAGES = [
    ("/", "/"),
    ("/heroes", "/heroes"),
    ("/heroes deep", "/heroes?page={deep}"),
    ("/praise", "/praise"),
    ("/praise deep", "/praise?page={deep}"),
    ("/pulses", "/pulses"),
    ("/insights monthly", "/insights?grain=month"),
    ("/insights weekly", "/insights?grain=week"),
    ("/ideas", "/ideas"),
    ("/feedback", "/feedback"),
    ("/heroes/new", "/heroes/new"),               # the hero picker: the chosen people and a search
    ("/people/search", "/people/search?q=ma"),    # what the picker asks as one types
]
# The targets: p95 in ms, and for /insights the page's size besides the cached chart library.
TARGET_MS = {"/heroes": 100, "/praise": 100, "/pulses": 300, "/insights": 300, "correlation API": 300}
INSIGHTS_MAX_KB = 500
INTAKE_RATIO = 0.6
WORKER_MB = 300
SCALE_OUT = 1.6
LAST_PAGE = re.compile(r"Page \d+ of (\d+)")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                   help="the database to serve (default: DATABASE_URL, else a demo built for the run)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--clients", type=int, help="concurrent clients (default: as many as workers)")
    p.add_argument("--requests", type=int, help="requests per page and role (default 100; --quick: 12)")
    p.add_argument("--quick", action="store_true", help="few requests, for everyday use")
    p.add_argument("--json", metavar="FILE", help="also write every figure to FILE as JSON")
    p.add_argument("--workers-compare", metavar="A,B",
                   help="pages/s of the page mix at -w A and -w B, and the ratio (instead of the page table)")
    p.add_argument("--login", action="append", default=[], metavar="ROLE=EMAIL",
                   help="who signs in for a role; repeat (default: the manager, hr and staff of the demo "
                        "or of bench/org.py, whichever the database holds)")
    p.add_argument("--password", help="the password of those logins (default: the demo's or bench/org.py's)")
    p.add_argument("--token", help="an API token with insights:read and feedback:write (default: create one)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds one request may take (and gunicorn's)")
    p.add_argument("--row-budget", type=float, help="seconds a row may take: a slower page gets fewer requests "
                                                    "(default 60; --quick: 15)")
    args = p.parse_args(argv)
    if args.workers < 1 or (args.clients is not None and args.clients < 1):
        p.error("--workers and --clients are at least 1")
    args.requests = args.requests or (12 if args.quick else 100)
    args.row_budget = args.row_budget or (15.0 if args.quick else 60.0)
    args.logins = {}
    for item in args.login:
        role, _, email = item.partition("=")
        if not email:
            p.error(f"--login takes ROLE=EMAIL, not {item!r}")
        args.logins[role.strip()] = email.strip()
    if args.workers_compare:
        try:
            args.compare = [int(w) for w in args.workers_compare.split(",")]
        except ValueError:
            p.error("--workers-compare takes worker counts like 2,4")
    return args


def shown_url(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def read_database(url: str) -> tuple[list[dict], set[str]]:
    """Teams with people (slug, metrics collected, names): what the intake's items are about; and which
    of the known logins exist."""
    from sqlalchemy import bindparam, create_engine, text

    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(sqlalchemy_url(url))
    teams: dict[str, dict] = {}
    try:
        conn = engine.connect()
    except SQLAlchemyError as exc:
        raise ServerError(f"cannot open the database: {str(exc).splitlines()[0]}") from None
    with conn:
        rows = conn.execute(text(
            "SELECT t.slug, t.collected_metrics, u.name FROM teams t JOIN users u ON u.team_id = t.id "
            "WHERE u.active ORDER BY t.slug, u.id"))
        for slug, metrics, name in rows:
            team = teams.setdefault(slug, {"slug": slug, "metrics": [m for m in metrics.split(",") if m],
                                           "people": []})
            if len(team["people"]) < 40:
                team["people"].append(name)
        known = [email for logins, _ in KNOWN_LOGINS for email in logins.values()]
        emails = {row[0] for row in conn.execute(text("SELECT email FROM users WHERE email IN :emails").bindparams(
            bindparam("emails", expanding=True)), {"emails": known})}
    engine.dispose()
    return [t for t in teams.values() if t["metrics"]], emails


# --- Measuring -----------------------------------------------------------------------------------

class Load:
    """The load generator: a pool of C processes that start each measurement together."""

    def __init__(self, clients: int, server: Gunicorn, timeout: float):
        self.clients, self.server, self.timeout = clients, server, timeout
        ctx = multiprocessing.get_context("spawn")
        self.pool = ctx.Pool(clients, initializer=_http.init_process, initargs=(ctx.Barrier(clients),))

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()

    def sign_in(self, email: str, password: str) -> dict[str, str]:
        return self.pool.apply(_http.sign_in, (self.server.host, self.server.port, email, password, self.timeout))

    def probe(self, path: str, cookies=None, headers=None) -> tuple[int, str, float]:
        return self.pool.apply(_http.probe, (self.server.host, self.server.port, path, cookies, self.timeout,
                                             headers))

    def measure(self, path: str, requests: int, *, method: str = "GET", cookies=None, headers=None,
                body: str | None = None, teams=None, expect: int = 200, warmup: int = 1) -> dict:
        """K requests from C clients at once; `warmup` untimed requests first from as many clients as workers."""
        per_client = [requests // self.clients + (i < requests % self.clients) for i in range(self.clients)]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        specs = [{"host": self.server.host, "port": self.server.port, "timeout": self.timeout, "method": method,
                  "path": path, "cookies": cookies, "headers": headers, "body": body, "teams": teams,
                  "expect": expect, "warmup": warmup if i < self.server.workers else 0, "n": n,
                  "seed": hash((path, i, stamp)),
                  "id_prefix": f"bench-{stamp}-{i}"} for i, n in enumerate(per_client)]
        cpu = self.server.cpu_seconds()
        results = self.pool.map(_http.run_client, specs, chunksize=1)
        cpu = self.server.cpu_seconds() - cpu
        self.server.check_alive()
        summary = summarise(results, expect)
        # The workers' CPU per request (warm-ups included): what the machine's other jobs disturb far less
        # than latency. The database server's own work is not in it (PostgreSQL runs apart).
        served = summary["n"] + sum(spec["warmup"] for spec in specs)
        summary["cpu_ms"] = cpu * 1000 / served if served else float("nan")
        return summary


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarise(results: list[dict], expect: int) -> dict:
    samples = [s for r in results for s in r["samples"]]
    latencies = sorted(s[0] for s in samples)
    statuses = Counter(s[1] for s in samples)
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    return {
        "n": len(samples), "errors": sum(n for status, n in statuses.items() if status != expect),
        "statuses": {str(k): v for k, v in sorted(statuses.items())}, "error_samples": errors[:5],
        "p50_ms": percentile(latencies, 0.50) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000, "mean_ms": statistics.fmean(latencies) * 1000,
        "seconds": wall, "rps": len(samples) / wall if wall > 0 else float("nan"),
        "kb": statistics.fmean(s[2] for s in samples) / 1024,
    }


def merge(runs: list[dict]) -> dict:
    """Several runs of /healthz as one baseline: latencies by their mean, the rate over all of them."""
    out = {k: statistics.fmean(r[k] for r in runs) for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "kb")}
    out.update(n=sum(r["n"] for r in runs), errors=sum(r["errors"] for r in runs),
               seconds=sum(r["seconds"] for r in runs),
               statuses=dict(sum((Counter(r["statuses"]) for r in runs), Counter())),
               error_samples=[e for r in runs for e in r["error_samples"]][:5])
    out["rps"] = out["n"] / out["seconds"]
    return out


def target_for(label: str) -> int | None:
    for key, ms in TARGET_MS.items():
        if label == key or label.startswith(key + " "):
            return ms
    return None


def judge(row: dict) -> None:
    """Adds the issue's target to a row, and whether it is met."""
    ms = target_for(row["page"])
    if ms is None:
        row["target"], row["met"] = "", None
        return
    row["met"] = row["p95_ms"] < ms
    row["target"] = f"p95 < {ms} ms"
    if row["page"].startswith("/insights"):
        row["target"] += f", < {INSIGHTS_MAX_KB} KB"
        row["met"] = row["met"] and row["kb"] < INSIGHTS_MAX_KB


# --- The two modes -------------------------------------------------------------------------------

def sign_in_all(load: Load, args) -> dict[str, dict[str, str]]:
    sessions = {}
    for role, email in args.logins.items():
        try:
            sessions[role] = load.sign_in(email, args.password)
        except ValueError as exc:
            raise ServerError(f"cannot sign in as {role}: {exc}") from None
    return sessions


def plan_pages(load: Load, sessions: dict, report: dict) -> list[tuple[str, str, str, float]]:
    """(label, role, path, seconds of a first GET) of every page each role may open; deep pages per role."""
    plan = []
    for role, cookies in sessions.items():
        last_pages: dict[str, int] = {}
        for label, path in PAGES:
            if "{deep}" in path:
                base = path.split("?")[0]
                path = path.format(deep=min(DEEP_PAGE, last_pages.get(base, 1)))
            status, body, seconds = load.probe(path, cookies)
            if status == 403:
                report["not_allowed"].append({"page": label, "role": role})
                continue
            if status != 200:
                report["errors"].append(f"{label} as {role}: the first GET {path} answered {status} "
                                        f"after {seconds:.1f} s {body[:200]!r}")
                continue
            match = LAST_PAGE.search(body)
            last_pages[path.split("?")[0]] = int(match.group(1)) if match else 1
            plan.append((label, role, path, seconds))
    return plan


def requests_for(args, clients: int, probe_seconds: float) -> int:
    """K, or fewer for a page so slow that K requests would take more than --row-budget (at least 2 per client)."""
    affordable = int(args.row_budget * clients / max(probe_seconds, 1e-3))
    return min(args.requests, max(2 * clients, affordable))


def run_pages(args, url: str, teams: list[dict], token: str, report: dict) -> None:
    """Every page of the plan, the correlation API and the intake; /healthz is measured before and after each.

    The machine is shared and its speed drifts within a run: each figure is compared with the
    /healthz runs right before and right after it, and the table's baseline is all of them.
    """
    clients = args.clients or args.workers
    report.update(workers=args.workers, clients=clients, requests=args.requests)
    baseline_n = max(args.requests, BASELINE_MIN)
    with Gunicorn(url, args.workers, args.timeout) as server:
        load = Load(clients, server, args.timeout)
        try:
            sessions = sign_in_all(load, args)
            plan = plan_pages(load, sessions, report)
            bearer = {"Authorization": f"Bearer {token}"}
            since = (date.today() - timedelta(days=730)).isoformat()
            jobs = [({"page": label, "role": role, "path": path}, requests_for(args, clients, seconds),
                     {"cookies": sessions[role]}) for label, role, path, seconds in plan]
            api = f"/api/v1/insights/correlation?grain=week&from={since}"
            status, body, seconds = load.probe(api, headers=bearer)
            if status == 200:
                jobs.append(({"page": "correlation API", "role": "token", "path": api},
                             requests_for(args, clients, seconds), {"headers": bearer}))
            else:
                report["errors"].append(f"GET {api} answered {status}: {body[:200]!r}")
            jobs.append(({"page": "POST /api/v1/feedback", "role": "token", "path": "/api/v1/feedback"}, args.requests,
                         {"method": "POST", "headers": bearer, "body": "feedback", "teams": teams, "expect": 201}))
            health = [load.measure("/healthz", baseline_n)]
            rows = []
            for row, requests, options in jobs:
                row.update(load.measure(row["path"], requests, **options))
                health.append(load.measure("/healthz", baseline_n))
                local = merge(health[-2:])
                row.update(healthz_p95_ms=local["p95_ms"], healthz_rps=local["rps"],
                           x_healthz_p95=row["p95_ms"] / local["p95_ms"], x_healthz_rps=row["rps"] / local["rps"])
                rows.append(row)
                progress(row)
        finally:
            load.close()
        server.sample_memory()
        report["memory"] = memory(server)
    intake = rows.pop()
    for row in rows:
        judge(row)
    intake["rate_ratio"] = intake["x_healthz_rps"]
    intake["target"], intake["met"] = f"rate ÷ /healthz ≥ {INTAKE_RATIO}", intake["rate_ratio"] >= INTAKE_RATIO
    report["healthz"] = {"runs": health, "baseline": merge(health)}
    report["pages"], report["intake"] = rows, intake
    for row in [*rows, intake]:
        if row["errors"]:
            report["errors"].append(f"{row['page']} as {row['role']}: {row['errors']} of {row['n']} requests "
                                    f"failed {row['statuses']} {row['error_samples'][:2]}")
    for run in health:
        if run["errors"]:
            report["errors"].append(f"/healthz: {run['errors']} of {run['n']} failed {run['statuses']}")


def run_compare(args, url: str, report: dict) -> None:
    """The page mix on gunicorn -w A and -w B, both up at once and measured turn about, page by page.

    Measuring one server after the other would compare two moments of a shared machine as much as
    two worker counts; taking turns (A then B, then B then A) spreads any drift over both.
    """
    clients = args.clients or 2 * max(args.compare)
    report.update(clients=clients, requests=args.requests)
    baseline_n = max(args.requests, BASELINE_MIN)
    with contextlib.ExitStack() as stack:
        servers, loads = [], []
        for workers in args.compare:
            servers.append(stack.enter_context(Gunicorn(url, workers, args.timeout)))
            loads.append(Load(clients, servers[-1], args.timeout))
            stack.callback(loads[-1].close)
        sessions = [sign_in_all(load, args) for load in loads]
        plan = plan_pages(loads[0], sessions[0], report)
        done = [0] * len(loads)
        seconds = [0.0] * len(loads)
        health: list[list[dict]] = [[] for _ in loads]
        rows = []
        for turn, item in enumerate([None, *plan, None]):
            order = list(range(len(loads)))[::(1 if turn % 2 == 0 else -1)]
            row = {} if item is None else {"page": item[0], "role": item[1], "path": item[2], "pages_per_s": {}}
            for i in order:
                if item is None:  # /healthz at the start and at the end
                    health[i].append(loads[i].measure("/healthz", baseline_n))
                    continue
                m = loads[i].measure(item[2], requests_for(args, clients, item[3]), cookies=sessions[i][item[1]])
                done[i], seconds[i] = done[i] + m["n"], seconds[i] + m["seconds"]
                row["pages_per_s"][str(args.compare[i])] = m["rps"]
                if m["errors"]:
                    report["errors"].append(f"-w {args.compare[i]} {item[0]} as {item[1]}: {m['errors']} of "
                                            f"{m['n']} failed {m['statuses']} {m['error_samples'][:2]}")
            if row:
                row["pages_per_s"] = {str(w): row["pages_per_s"][str(w)] for w in args.compare}
                rates = list(row["pages_per_s"].values())
                row["ratio"] = rates[-1] / rates[0] if rates[0] else float("nan")
                rows.append(row)
                print(f"  {row['page']:<22} {row['role']:<8} "
                      + "  ".join(f"-w {w}: {r:6.1f}/s" for w, r in row["pages_per_s"].items())
                      + f"  ratio {row['ratio']:.2f}", flush=True)
        runs = []
        for i, server in enumerate(servers):
            server.sample_memory()
            base = merge(health[i])
            runs.append({"workers": args.compare[i], "pages_per_s": done[i] / seconds[i], "pages": done[i],
                         "seconds": seconds[i], "healthz_rps": base["rps"], "memory": memory(server)})
            for run in health[i]:
                if run["errors"]:
                    report["errors"].append(f"-w {args.compare[i]} /healthz: {run['errors']} failed {run['statuses']}")
    first, last = runs[0], runs[-1]
    report["compare"] = {
        "runs": runs, "pages": rows, "ratio": last["pages_per_s"] / first["pages_per_s"],
        "healthz_ratio": last["healthz_rps"] / first["healthz_rps"], "target": f"≥ {SCALE_OUT} on PostgreSQL",
    }
    report["compare"]["met"] = report["compare"]["ratio"] >= SCALE_OUT


def memory(server: Gunicorn) -> dict:
    peaks = {str(pid): kb / 1024 for pid, kb in sorted(server.peak_kb.items())}
    worst = max(peaks.values(), default=0.0)
    return {"workers_peak_mb": peaks, "max_mb": worst, "restarted_workers": server.worker_restarts(),
            "target": f"< {WORKER_MB} MB", "met": worst < WORKER_MB}


# --- Output --------------------------------------------------------------------------------------

def progress(row: dict) -> None:
    print(f"  {row['page']:<22} {row['role']:<8} p95 {row['p95_ms']:8.1f} ms  {row['rps']:7.1f} req/s"
          + (f"  {row['errors']} FAILED" if row["errors"] else ""), flush=True)


def met_word(met) -> str:
    return "" if met is None else ("yes" if met else "NO")


def print_pages(report: dict) -> None:
    base = report["healthz"]["baseline"]
    rates = [run["rps"] for run in report["healthz"]["runs"]]
    print(f"\nBaseline GET /healthz, before and after each row ({len(rates)} runs): p50 {base['p50_ms']:.1f} ms, "
          f"p95 {base['p95_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms, {base['rps']:.0f} req/s "
          f"(from {min(rates):.0f} to {max(rates):.0f} req/s: each row is compared with the runs beside it)\n")
    head = f"{'page':<22} {'role':<8} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms':>7} {'req/s':>7} {'KB':>7} " \
           f"{'p95 ÷ healthz':>13} {'req/s ÷ healthz':>15}  {'target':<26} met"
    print(head)
    print("-" * len(head))
    for row in report["pages"]:
        print(f"{row['page']:<22} {row['role']:<8} {row['n']:4d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
              f"{row['cpu_ms']:7.1f} "
              f"{row['rps']:7.1f} {row['kb']:7.1f} {row['x_healthz_p95']:12.1f}× {row['x_healthz_rps']:15.3f}  {row['target']:<26} "
              f"{met_word(row['met'])}" + (f"  ({row['errors']} failed)" if row["errors"] else ""))
    if report["not_allowed"]:
        by_role: dict[str, list[str]] = {}
        for item in report["not_allowed"]:
            by_role.setdefault(item["role"], []).append(item["page"])
        print("Not open to the role (403, not timed): "
              + "; ".join(f"{role}: {', '.join(pages)}" for role, pages in by_role.items()))
    intake = report["intake"]
    print(f"\nPOST /api/v1/feedback: {intake['rps']:.1f} items/s, p95 {intake['p95_ms']:.1f} ms; /healthz beside it "
          f"{intake['healthz_rps']:.0f} req/s; rate ÷ /healthz rate = {intake['rate_ratio']:.3f} "
          f"(target ≥ {INTAKE_RATIO}): {met_word(intake['met'])}")
    print_memory(report["memory"], f"-w {report['workers']}")


def print_memory(mem: dict, label: str) -> None:
    peaks = ", ".join(f"{mb:.0f}" for mb in mem["workers_peak_mb"].values())
    print(f"Peak RSS of the gunicorn workers ({label}): {peaks} MB; the largest {mem['max_mb']:.0f} MB "
          f"(target < {WORKER_MB} MB): {met_word(mem['met'])}"
          + (f"; {mem['restarted_workers']} worker(s) replaced during the run" if mem["restarted_workers"] else ""))


def print_compare(report: dict) -> None:
    cmp = report["compare"]
    runs = cmp["runs"]
    print(f"\nPages per second of the whole page mix ({len(cmp['pages'])} pages and roles, "
          f"{report['requests']} requests each, {report['clients']} clients), the servers taking turns:")
    for run in runs:
        print(f"  gunicorn -w {run['workers']}: {run['pages_per_s']:7.1f} pages/s   (/healthz {run['healthz_rps']:.0f} req/s)")
    print(f"Ratio -w {runs[-1]['workers']} ÷ -w {runs[0]['workers']}: {cmp['ratio']:.2f} (target {cmp['target']}): "
          f"{met_word(cmp['met'])}; the same ratio for /healthz: {cmp['healthz_ratio']:.2f}")
    cores = report["machine"]["cpus"] or 1
    bound = min(runs[-1]["workers"], cores) / min(runs[0]["workers"], cores)
    print(f"This machine has {cores} cores, shared with the database and the load generator: work that keeps a "
          f"worker on the CPU can scale by {bound:.2f} at most here.")
    for run in runs:
        print_memory(run["memory"], f"-w {run['workers']}")


# --- Main ----------------------------------------------------------------------------------------

def demo_database(folder: str) -> str:
    url = f"sqlite:///{folder}/flashpoint.db"
    print(f"No --database-url nor DATABASE_URL: building the demo organisation in {folder} …", flush=True)
    flask_command(["init-db"], url, folder)
    flask_command(["demo"], url, folder)
    return url


def choose_logins(args, emails: set[str]) -> None:
    """The roles' logins: those given, else the first known set whose people are all in the database."""
    if args.logins and args.password:
        return
    for logins, password in KNOWN_LOGINS:
        if set(logins.values()) <= emails:
            args.logins = args.logins or dict(logins)
            args.password = args.password or password
            return
    raise ServerError("no --login/--password given and the database holds neither the demo's logins nor "
                      "bench/org.py's")


def create_token(url: str) -> str:
    folder = tempfile.mkdtemp(prefix="flashpoint-bench-")
    try:
        name = "bench-pages-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = flask_command(["create-api-token", name, "--scope", "insights:read", "--scope", "feedback:write"],
                            url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out.strip().splitlines()[-1].strip()


def main(argv=None) -> int:
    args = parse_args(argv)
    scratch = None
    url = args.database_url
    report: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "python": platform.python_version()},
                    "mode": "quick" if args.quick else "full", "errors": [], "not_allowed": []}
    try:
        if not url:
            scratch = tempfile.mkdtemp(prefix="flashpoint-bench-demo-")
            url = demo_database(scratch)
        report["database"] = shown_url(url).split(":")[0]
        print(f"Database {shown_url(url)}", flush=True)
        if not scratch:  # this checkout's migrations: a database generated before an upgrade lacks newer tables
            folder = tempfile.mkdtemp(prefix="flashpoint-bench-")
            flask_command(["init-db"], url, folder)
            shutil.rmtree(folder, ignore_errors=True)
        teams, emails = read_database(url)
        choose_logins(args, emails)
        print("Signing in as " + ", ".join(f"{role} {email}" for role, email in args.logins.items()), flush=True)
        if args.workers_compare:
            run_compare(args, url, report)
            print_compare(report)
        else:
            if not teams:
                raise ServerError("the database has no team with people: nothing to send feedback about")
            token = args.token or create_token(url)
            print(f"gunicorn -w {args.workers}, {args.clients or args.workers} clients, "
                  f"{args.requests} requests per page and role", flush=True)
            run_pages(args, url, teams, token, report)
            print_pages(report)
    except ServerError as exc:
        report["errors"].append(str(exc))
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    if report["errors"]:
        print("\nFAILED:", *report["errors"], sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
