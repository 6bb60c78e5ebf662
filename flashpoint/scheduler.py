"""Scheduled duties: a registry of functions of the current instant, claimed once per slot.

`tick(now)` runs every duty whose current slot nobody has claimed yet. The claim is a row
with a unique (duty, slot) key, so two schedulers (or a scheduler and a manual `tick`) never
run the same duty for the same slot twice. Each duty catches up on its own: it acts on
everything due at or before `now`, so a late tick misses nothing.
"""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow

log = logging.getLogger(__name__)
EPOCH = datetime(2000, 1, 3)  # a Monday, so weekly slots start on Mondays


@dataclass
class Duty:
    name: str
    every: timedelta
    run: Callable[[datetime], object]

    def slot(self, now: datetime) -> datetime:
        periods = (now - EPOCH) // self.every
        return EPOCH + periods * self.every


class DutyClaim(db.Model):
    __tablename__ = "duty_claims"
    __table_args__ = (UniqueConstraint("duty", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty: Mapped[str] = mapped_column(String(64))
    slot: Mapped[datetime] = mapped_column(DateTime)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)


def register_duty(app: Flask, name: str, every: timedelta, run: Callable[[datetime], object]) -> None:
    duties = app.extensions.setdefault("flashpoint.duties", {})
    duties[name] = Duty(name, every, run)


def init_app(app: Flask) -> None:
    register_duty(app, "prune_duty_claims", timedelta(days=1), prune_claims)


def duties(app: Flask | None = None) -> list[Duty]:
    app = app or current_app
    return list(app.extensions.get("flashpoint.duties", {}).values())


def _claim(duty: Duty, slot: datetime) -> DutyClaim | None:
    claim = DutyClaim(duty=duty.name, slot=slot)
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claim


def tick(now: datetime | None = None) -> list[tuple[str, str]]:
    """Run each due, unclaimed duty once. Returns (duty, outcome) pairs for reporting."""
    now = now or utcnow()
    outcomes = []
    for duty in duties():
        claim = _claim(duty, duty.slot(now))
        if claim is None:
            outcomes.append((duty.name, "already claimed"))
            continue
        try:
            result = duty.run(now)
            db.session.commit()
            outcome = "done" if result is None else f"done: {result}"
        except Exception as exc:  # one failing duty must not stop the others
            db.session.rollback()
            log.exception("duty %s failed", duty.name)
            claim = db.session.get(DutyClaim, claim.id)
            claim.error = f"{type(exc).__name__}: {exc}"[:2000]
            outcome = f"failed: {claim.error}"
        claim = db.session.get(DutyClaim, claim.id)
        claim.finished_at = utcnow()
        db.session.commit()
        outcomes.append((duty.name, outcome))
    return outcomes


def prune_claims(now: datetime) -> int:
    """Claims older than two weeks only take space; their slots are long past."""
    cutoff = now - timedelta(days=14)
    deleted = db.session.execute(db.delete(DutyClaim).where(DutyClaim.slot < cutoff)).rowcount
    return deleted


def _tick_in_context(app: Flask) -> None:
    with app.app_context():
        try:
            for name, outcome in tick():
                if outcome != "already claimed":
                    log.debug("duty %s: %s", name, outcome)
        except Exception:  # the clock must keep going even when the database hiccups
            log.exception("tick failed")
        finally:
            db.session.remove()


def _announce(app: Flask) -> None:
    # Operators should see that the clock started and any duty that fails. app.logger is the
    # "flashpoint" logger, parent of this module's; asking for it gives it Flask's stderr handler.
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)


def _first_run(delay_seconds: float) -> datetime:
    # Aware UTC: APScheduler would read a naive datetime in its own zone, not the machine's.
    return datetime.now(timezone.utc) + timedelta(seconds=delay_seconds)


def _add_tick_job(scheduler, app: Flask, interval_seconds: float, first_delay: float) -> None:
    scheduler.add_job(_tick_in_context, "interval", seconds=interval_seconds, args=[app],
                      id="flashpoint-tick", max_instances=1, coalesce=True,
                      misfire_grace_time=max(1, int(interval_seconds)),
                      next_run_time=_first_run(first_delay))


def run_blocking(app: Flask, interval_seconds: float = 30) -> None:
    """The scheduler process: tick on a clock until SIGINT or SIGTERM, then stop cleanly."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    _announce(app)
    scheduler = BlockingScheduler(timezone="UTC")
    _add_tick_job(scheduler, app, interval_seconds, first_delay=0)

    def stop(_signum, _frame):
        scheduler.shutdown(wait=False)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    scheduler.start()


_embedded_lock = threading.Lock()


def start_embedded(app: Flask, interval_seconds: float = 30):
    """Run the scheduler in a background thread of the web process (`make run` only)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    with _embedded_lock:
        if app.extensions.get("flashpoint.embedded_scheduler"):
            return app.extensions["flashpoint.embedded_scheduler"]
        _announce(app)
        scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
        # A first tick shortly after start-up, so the demo's outbox is delivered at once.
        _add_tick_job(scheduler, app, interval_seconds, first_delay=2)
        scheduler.start()
        app.extensions["flashpoint.embedded_scheduler"] = scheduler
        log.info("embedded scheduler started: a tick every %s s", interval_seconds)
        return scheduler
