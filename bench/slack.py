"""Slack at organisation scale: the `/hero` acknowledgement over HTTP, and a pulse fan-out to everyone
through a fake Slack Web API that enforces Slack's rate limits.

    .venv/bin/python bench/slack.py --database-url sqlite:///$PWD/instance/bench-org-1.db   # full
    .venv/bin/python bench/slack.py --quick        # a small organisation built for the run

1. `/hero`: gunicorn (-w 2) serves the database with Slack pointed at a local fake Web API; signed
   slash commands from people with a Slack id (managers and staff) are sent one at a time, each once
   the previous modal opened. Printed: the acknowledgement's p50/p95/p99 (goal p99 < 50 ms), beside
   `/healthz` measured before and after, and the time from the command to `views.open` (< 3 s).
2. A pulse invitation to every active person, delivered by the scheduler's delivery duty in its own
   process (the app as `flask --app wsgi scheduler` builds it) through the fake, which answers 429
   past Slack's limits (`tests.slack.helpers.RateLimits`: chat.postMessage 1/s per channel and 600/min
   for the workspace, conversations.open 50/min). Most people's DM channels are known from earlier
   pulses; `--first-contact` people are messaged for the first time. Printed: the total time, the
   bound the limits set for those messages, their ratio (goal <= 1.05), duplicates and losses counted
   in the fake, 429s, and the delivering process's peak memory.
   `--speed 5` (the default with --quick) runs the fake and the pacing five times faster than Slack.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                   help="a generated organisation (bench/org.py); default: one built at --scale for the run")
    p.add_argument("--scale", type=float, default=0.02, help="scale of the organisation built when none is given")
    p.add_argument("--quick", action="store_true", help="everyday mode: fewer commands, Slack's limits x5")
    p.add_argument("--speed", type=float, help="Slack's limits multiplied by this (default 1; --quick: 5)")
    p.add_argument("--commands", type=int, help="/hero commands timed (default 300; --quick: 60)")
    p.add_argument("--first-contact", type=int, default=40, help="people whose DM is opened for the first time")
    p.add_argument("--skip-ack", action="store_true")
    p.add_argument("--skip-fanout", action="store_true")
    p.add_argument("--compare-with", metavar="DIR",
                   help="also time /hero served by another checkout of the code (e.g. main), in the same run")
    p.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    p.add_argument("--deliver", action="store_true", help=argparse.SUPPRESS)  # the delivering process
    args = p.parse_args(argv)
    args.speed = args.speed or (5.0 if args.quick else 1.0)
    args.commands = args.commands or (60 if args.quick else 300)
    return args


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def slack_env(database_url: str, fake_url: str, instance: str) -> dict:
    from _server import app_env
    from tests.slack.helpers import BOT_TOKEN, SIGNING_SECRET

    env = app_env(database_url, instance)
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_url,
                "BASE_URL": "http://flashpoint.bench"})
    return env


def build_org(scale: float) -> str:
    path = Path(tempfile.mkdtemp(prefix="fp-bench-slack-")) / "org.db"
    subprocess.run([sys.executable, str(ROOT / "bench" / "org.py"), "--scale", str(scale), "--database", str(path),
                    "--no-insights"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return f"sqlite:///{path}"


def migrate(database_url: str) -> None:
    from _server import flask_command

    flask_command(["init-db"], database_url, tempfile.mkdtemp(prefix="fp-bench-slack-"))


# --- 1. the /hero acknowledgement ----------------------------------------------------------------

def commanders(database_url: str, count: int) -> list[str]:
    """Slack ids of active people, managers first (their modal offers praise as evidence)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT slack_user_id FROM users WHERE active AND slack_user_id IS NOT NULL "
            "ORDER BY CASE role WHEN 'manager' THEN 0 WHEN 'hr' THEN 1 ELSE 2 END, id")).scalars().all()
    engine.dispose()
    managers = rows[: count // 2]
    staff = rows[len(rows) // 2:][: count - len(managers)]
    return managers + staff


def hero_body(slack_id: str, n: int) -> str:
    return urlencode({"token": "legacy", "team_id": "TFLASH", "team_domain": "flash", "channel_id": "C0GENERAL",
                      "channel_name": "general", "user_id": slack_id, "user_name": slack_id.lower(),
                      "command": "/hero", "text": f"<@{slack_id}> stayed late to help a customer",
                      "api_app_id": "AFLASH", "is_enterprise_install": "false",
                      "response_url": "https://hooks.slack.test/hooks/response", "trigger_id": f"{n}.TFLASH.trigger"})


def timed(host: str, port: int, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[float, int]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status


def healthz(host: str, port: int, n: int = 30) -> list[float]:
    return [timed(host, port, "GET", "/healthz")[0] for _ in range(n)]


def bench_ack(args, database_url: str, root: Path = ROOT) -> dict:
    import _server
    from _server import Gunicorn
    from tests.slack.helpers import FakeSlack, signature_headers

    _server.ROOT = root

    fake = FakeSlack().start()
    ids = commanders(database_url, args.commands)
    server = Gunicorn(database_url, workers=2, timeout=60)
    env = slack_env(database_url, fake.url, server.instance)
    original = _server.app_env
    _server.app_env = lambda url, instance: env  # gunicorn with Slack configured
    try:
        server.start()
    finally:
        _server.app_env = original
    acks, to_modal, failures = [], [], 0
    try:
        before = healthz(server.host, server.port)
        # Warm each worker (first Bolt request, imports) outside the timing.
        for n, slack_id in enumerate(ids[:4]):
            body = hero_body(slack_id, 10_000 + n)
            timed(server.host, server.port, "POST", "/slack/events", body.encode(),
                  {"Content-Type": "application/x-www-form-urlencoded", **signature_headers(body)})
        time.sleep(2)
        for n, slack_id in enumerate(ids):
            body = hero_body(slack_id, n)
            opened_before = len(fake.calls_to("views.open"))
            sent_at = time.monotonic()
            elapsed, status = timed(server.host, server.port, "POST", "/slack/events", body.encode(),
                                    {"Content-Type": "application/x-www-form-urlencoded", **signature_headers(body)})
            if status != 200:
                failures += 1
                continue
            acks.append(elapsed)
            while len(fake.calls_to("views.open")) == opened_before and time.monotonic() - sent_at < 10:
                time.sleep(0.002)
            opened = fake.calls_to("views.open")[opened_before:]
            if opened:
                to_modal.append(opened[0].at - sent_at)
            else:
                failures += 1
        after = healthz(server.host, server.port)
        server.sample_memory()
    finally:
        server.stop()
        fake.stop()
    return {"acks": acks, "to_modal": to_modal, "failures": failures, "healthz": before + after,
            "commands": len(ids), "worker_peak_mb": [kb / 1024 for kb in server.peak_kb.values()]}


def print_ack(result: dict) -> None:
    acks = [a * 1000 for a in result["acks"]]
    modal = [m * 1000 for m in result["to_modal"]]
    health = [h * 1000 for h in result["healthz"]]
    print(f"/hero acknowledgement over HTTP ({len(acks)} signed commands, one at a time, gunicorn -w 2)")
    print(f"  ack       p50 {percentile(acks, .5):6.1f} ms  p95 {percentile(acks, .95):6.1f} ms  "
          f"p99 {percentile(acks, .99):6.1f} ms  (goal p99 < 50 ms: {'met' if percentile(acks, .99) < 50 else 'NOT met'})")
    print(f"  /healthz  p50 {percentile(health, .5):6.1f} ms  p95 {percentile(health, .95):6.1f} ms  "
          f"p99 {percentile(health, .99):6.1f} ms  (baseline, before and after)")
    print(f"  ack p99 / healthz p99: {percentile(acks, .99) / percentile(health, .99):.2f}")
    if modal:
        print(f"  command → views.open  p50 {percentile(modal, .5):6.0f} ms  p99 {percentile(modal, .99):6.0f} ms  "
              f"max {max(modal):6.0f} ms  (trigger valid 3 s: {'met' if max(modal) < 3000 else 'NOT met'})")
    print(f"  failures: {result['failures']}; workers' peak RSS: "
          + ", ".join(f"{mb:.0f} MB" for mb in result["worker_peak_mb"]))


# --- 2. the pulse fan-out ----------------------------------------------------------------------

def prepare_fanout(database_url: str, first_contact: int, stamp: str) -> dict:
    """Invitations for every active person; DM channels known for all on Slack but `first_contact`."""
    import sqlalchemy as sa

    from flashpoint import create_app
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.outbox.services import record_notification
    from flashpoint.people.models import User
    from slack_bot.models import SlackDirectChannel

    app = create_app(TestConfig(database_url=database_url))
    with app.app_context():
        db.session.execute(sa.delete(SlackDirectChannel))
        people = db.session.scalars(db.select(User).where(User.active).order_by(User.id)).all()
        on_slack = [p for p in people if p.slack_user_id]
        step = max(1, len(on_slack) // max(1, first_contact))
        first = {p.id for p in on_slack[::step][:first_contact]}
        db.session.add_all(SlackDirectChannel(slack_user_id=p.slack_user_id, channel="D" + p.slack_user_id)
                           for p in on_slack if p.id not in first)
        for person in people:
            record_notification("pulse.invitation", "Your weekly pulse is open", "Five questions, two minutes.",
                                recipient=person, secret_url=f"http://flashpoint.bench/pulse/{stamp}-{person.id}",
                                dedupe_key=f"bench-slack-{stamp}-{person.id}")
        db.session.commit()
        known = db.session.scalar(db.select(db.func.count()).select_from(SlackDirectChannel))
        figures = {"people": len(people), "on_slack": len(on_slack), "first_contact": len(on_slack) - known}
        db.session.remove()
        db.engine.dispose()
    return figures


def deliver_in_process(args) -> None:
    """The delivering process: the app as the scheduler builds it, the delivery duty on the real clock."""
    from flashpoint import create_app
    from flashpoint.outbox.delivery import delivery_duty
    from flashpoint.timeutil import utcnow
    from tests.slack.helpers import RateLimits

    limits = RateLimits(speed=args.speed)
    app = create_app()
    app.config.update(SLACK_POSTS_PER_MINUTE=limits.posts_per_minute * args.speed,
                      SLACK_OPENS_PER_MINUTE=limits.opens_per_minute * args.speed,
                      SLACK_CHANNEL_POSTS_PER_SECOND=limits.channel_posts_per_second * args.speed)
    with app.app_context():
        start = time.monotonic()
        counts = delivery_duty(utcnow())
        elapsed = time.monotonic() - start
    print(json.dumps({"counts": counts, "seconds": elapsed}))


def peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def bench_fanout(args, database_url: str) -> dict:
    from tests.slack.helpers import FakeSlack, RateLimits

    limits = RateLimits(speed=args.speed)
    stamp = time.strftime("%Y%m%d%H%M%S")
    figures = prepare_fanout(database_url, args.first_contact, stamp)
    fake = FakeSlack(limits=limits, ts_start=int(time.time()) * 10).start()
    instance = tempfile.mkdtemp(prefix="fp-bench-slack-")
    env = slack_env(database_url, fake.url, instance)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--deliver", "--speed", str(args.speed)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, peak_kb(process.pid))
        time.sleep(0.2)
    wall = time.monotonic() - started
    output = process.stdout.read()
    if process.returncode:
        raise SystemExit(f"the delivering process failed ({process.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    posts = fake.calls_to("chat.postMessage")
    sent = [c for c in posts if c.ok]
    channels = [c.params.get("channel") for c in sent]
    opens = fake.calls_to("conversations.open")
    first_post = min((c.at for c in posts), default=started)
    last_post = max((c.at for c in sent), default=started)
    fake.stop()
    rates = limits.buckets()
    post_rate, post_burst = rates["chat.postMessage"]
    open_rate, open_burst = rates["conversations.open"]
    bound = max((len(sent) - post_burst) / post_rate, (figures["first_contact"] - open_burst) / open_rate, 0)
    return {**figures, "counts": result["counts"], "duty_seconds": result["seconds"], "wall": wall,
            "delivering": last_post - first_post, "bound": bound, "sent": len(sent),
            "duplicates": len(channels) - len(set(channels)), "rejected_429": sum(1 for c in posts if c.status == 429),
            "opens": len(opens), "opens_429": sum(1 for c in opens if c.status == 429), "peak_mb": peak / 1024,
            "speed": args.speed, "limits": limits}


def print_fanout(r: dict) -> None:
    limits = r["limits"]
    expected = r["on_slack"]
    lost = expected - (r["sent"] - r["duplicates"])
    print(f"Pulse fan-out to {r['people']:,} people ({r['on_slack']:,} on Slack, {r['first_contact']} of them "
          f"never messaged before) through the fake Slack Web API")
    print(f"  limits enforced: chat.postMessage {limits.posts_per_minute:.0f}/min workspace (burst {limits.post_burst}), "
          f"{limits.channel_posts_per_second:g}/s per channel; conversations.open {limits.opens_per_minute:.0f}/min "
          f"(burst {limits.open_burst}); " + ("Slack's own pace" if r["speed"] == 1 else f"x{r['speed']:g} faster than Slack"))
    print(f"  first post → last post: {r['delivering']:7.1f} s   bound set by the limits: {r['bound']:7.1f} s   "
          f"ratio {r['delivering'] / r['bound']:.3f} (goal <= 1.05)" if r["bound"] else "  (no bound)")
    print(f"  whole duty: {r['duty_seconds']:.1f} s (process start to end {r['wall']:.1f} s); outcomes {r['counts']}")
    print(f"  delivered {r['sent'] - r['duplicates']:,} of {expected:,}: lost {lost}, duplicates {r['duplicates']}; "
          f"429s: chat.postMessage {r['rejected_429']}, conversations.open {r['opens_429']} "
          f"({r['opens']} opens)")
    print(f"  peak RSS of the delivering (scheduler) process: {r['peak_mb']:.0f} MB")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.deliver:
        deliver_in_process(args)
        return
    database_url = args.database_url or build_org(args.scale)
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    migrate(database_url)
    print(f"Slack benchmarks on {database_url.rsplit('/', 1)[-1]} ({time.strftime('%Y-%m-%d %H:%M')} UTC, "
          f"{os.cpu_count()} cores)")
    figures: dict = {}
    if not args.skip_ack:
        if args.compare_with:
            print(f"-- served by {args.compare_with}")
            print_ack(bench_ack(args, database_url, Path(args.compare_with).resolve()))
            print("-- served by this checkout")
        ack = bench_ack(args, database_url)
        print_ack(ack)
        acks = [a * 1000 for a in ack["acks"]]
        figures["ack"] = {"commands": len(acks), "failures": ack["failures"], "p50_ms": percentile(acks, .5),
                          "p95_ms": percentile(acks, .95), "p99_ms": percentile(acks, .99),
                          "healthz_p99_ms": percentile([h * 1000 for h in ack["healthz"]], .99),
                          "to_modal_max_ms": max(ack["to_modal"], default=0) * 1000}
    if not args.skip_fanout:
        fanout = bench_fanout(args, database_url)
        print_fanout(fanout)
        figures["fanout"] = {key: fanout[key] for key in ("people", "on_slack", "first_contact", "sent", "duplicates",
                                                          "rejected_429", "opens_429", "delivering", "bound",
                                                          "peak_mb", "speed", "duty_seconds")}
        figures["fanout"]["lost"] = fanout["on_slack"] - (fanout["sent"] - fanout["duplicates"])
        figures["fanout"]["ratio"] = fanout["delivering"] / fanout["bound"] if fanout["bound"] else None
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
