"""Duties run once per slot, whoever ticks: `tick`, two schedulers at once, the scheduler process."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from flashpoint.config import PROJECT_ROOT
from flashpoint.extensions import db
from flashpoint.scheduler import DutyClaim, register_duty, start_embedded, tick
from tests.concurrency import at_once


@pytest.fixture
def calls(app):
    """Two duties of our own, recording the instants they were run with."""
    seen = {"every_hour": [], "every_day": []}
    register_duty(app, "test_every_hour", timedelta(hours=1), lambda now: seen["every_hour"].append(now))
    register_duty(app, "test_every_day", timedelta(days=1), lambda now: seen["every_day"].append(now))
    return seen


def _outcomes(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.strip().splitlines() if ": " in line)


def test_tick_runs_each_duty_once_per_slot(runner, calls):
    first = _outcomes(runner.invoke(args=["tick", "--now", "2026-03-02T10:15:00"]).output)
    assert first["test_every_hour"] == "done" and first["test_every_day"] == "done"
    again = _outcomes(runner.invoke(args=["tick", "--now", "2026-03-02T10:45:00"]).output)
    assert again["test_every_hour"] == "already claimed" and again["test_every_day"] == "already claimed"
    later = _outcomes(runner.invoke(args=["tick", "--now", "2026-03-02T11:00:00"]).output)
    assert later["test_every_hour"] == "done" and later["test_every_day"] == "already claimed"
    assert calls["every_hour"] == [datetime(2026, 3, 2, 10, 15), datetime(2026, 3, 2, 11, 0)]
    assert calls["every_day"] == [datetime(2026, 3, 2, 10, 15)]


def test_tick_now_with_an_offset_is_converted_to_utc(runner, calls):
    result = runner.invoke(args=["tick", "--now", "2026-03-02T12:00:00+02:00"])
    assert result.exit_code == 0
    assert calls["every_hour"] == [datetime(2026, 3, 2, 10, 0)]


def test_tick_refuses_a_bad_instant(runner, calls):
    result = runner.invoke(args=["tick", "--now", "next tuesday"])
    assert result.exit_code == 2 and "not an ISO 8601" in result.output
    assert calls["every_hour"] == []


def test_a_failing_duty_does_not_stop_the_others_and_is_recorded(app, runner, calls):
    def broken(now):
        db.session.add(DutyClaim(duty="half-written", slot=now))  # must be rolled back
        raise RuntimeError("the printer is on fire")

    # Registered first, so it runs before the others.
    app.extensions["flashpoint.duties"] = {"test_broken": None, **app.extensions["flashpoint.duties"]}
    register_duty(app, "test_broken", timedelta(hours=1), broken)
    result = runner.invoke(args=["tick", "--now", "2026-03-02T10:00:00"])
    assert result.exit_code == 0
    outcomes = _outcomes(result.output)
    assert outcomes["test_broken"].startswith("failed: RuntimeError: the printer is on fire")
    assert outcomes["test_every_hour"] == "done"
    claim = db.session.scalar(db.select(DutyClaim).where(DutyClaim.duty == "test_broken"))
    assert "printer is on fire" in claim.error and claim.finished_at is not None
    assert db.session.scalar(db.select(DutyClaim).where(DutyClaim.duty == "half-written")) is None


def test_a_late_tick_passes_the_instant_so_duties_catch_up(runner, calls):
    runner.invoke(args=["tick", "--now", "2026-03-02T10:00:00"])
    runner.invoke(args=["tick", "--now", "2026-03-02T15:30:00"])  # five hourly slots were missed
    assert calls["every_hour"] == [datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 15, 30)]


@pytest.mark.both_databases
def test_two_schedulers_racing_for_the_same_slot_run_the_duty_once(app):
    runs = []

    def slow_duty(now):
        runs.append(threading.get_ident())
        time.sleep(0.2)  # keep the first run busy while the others try

    register_duty(app, "test_race", timedelta(minutes=5), slow_duty)
    app.extensions["flashpoint.duties"] = {"test_race": app.extensions["flashpoint.duties"]["test_race"]}
    results = []

    def scheduler():
        results.append(dict(tick(datetime(2026, 3, 2, 10, 1))))

    errors = at_once(app, scheduler, threads=4, timeout=30)
    assert errors == []
    assert len(runs) == 1
    assert sorted(r["test_race"] for r in results) == ["already claimed"] * 3 + ["done"]
    assert db.session.scalar(db.select(db.func.count(DutyClaim.id)).where(DutyClaim.duty == "test_race")) == 1


def test_prune_duty_removes_old_claims(app, runner):
    db.session.add_all([DutyClaim(duty="old", slot=datetime(2026, 1, 1)),
                        DutyClaim(duty="recent", slot=datetime(2026, 3, 1))])
    db.session.commit()
    runner.invoke(args=["tick", "--now", "2026-03-02T10:00:00"])
    duties = set(db.session.scalars(db.select(DutyClaim.duty)))
    assert "old" not in duties and "recent" in duties


def test_embedded_scheduler_ticks_in_the_background(app):
    ran = threading.Event()
    register_duty(app, "test_embedded", timedelta(seconds=1), lambda now: ran.set())
    scheduler = start_embedded(app, interval_seconds=0.5)
    try:
        assert start_embedded(app) is scheduler  # one per process
        assert ran.wait(10), "the embedded scheduler never ran the duty"
    finally:
        scheduler.shutdown(wait=True)


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_scheduler_process_ticks_and_stops_cleanly_on_sigterm(sqlite_template, tmp_path):
    path = tmp_path / "scheduler.db"
    shutil.copy(sqlite_template, path)
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{path}", SECRET_KEY="x" * 32,
               FLASHPOINT_INSTANCE=str(tmp_path), FLASHPOINT_SCHEDULER="off", PYTHONUNBUFFERED="1")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--interval", "1"]
    process = subprocess.Popen(flask, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)

    def claimed() -> bool:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM duty_claims WHERE duty = 'outbox_delivery'").fetchone()[0] > 0

    try:
        # Generous bounds: starting the app (NumPy, SciPy, every domain) takes seconds on a busy
        # machine with parallel test workers; the wait ends as soon as the duty is claimed.
        assert _wait_for(claimed, 120), "the scheduler process never claimed a duty"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "Scheduler running" in output
    assert "Traceback" not in output
