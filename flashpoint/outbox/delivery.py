"""The delivery duty: claims due notifications one by one and hands each to a transport.

A transport (Slack, e-mail) registers itself with `register_transport`. The rules that keep
every message sent once: a row is claimed with a conditional UPDATE before sending; a clear
failure (refused connection, 429, 5xx, SMTP 4xx) goes back to pending with backoff; an unclear
one (the request went out, no answer came) becomes `unclear` for an admin and is never resent.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

from flask import Flask, current_app
from sqlalchemy import update

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification, State
from flashpoint.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BATCH_SIZE = 200
# A scheduler run keeps delivering while messages fall due, at most this long (seconds): a fan-out
# to the whole organisation is paced by Slack (about 10 messages a second), not by the clock's
# ticks. It sleeps for a message due within MAX_IDLE_WAIT seconds; later ones wait for a tick.
DELIVERY_BUDGET = 900.0
MAX_IDLE_WAIT = 5.0
# A row left in `sending` this long belongs to a run that died mid-send: its outcome is unknown.
STALE_SENDING = timedelta(minutes=10)


class TransientDeliveryError(Exception):
    """Clearly not delivered; safe to try again (after `retry_after` seconds if given)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class DeferredDelivery(Exception):
    """Not tried: the transport paces itself (Slack's limit for one channel). Back to pending
    until `retry_after`, without spending an attempt, while other recipients carry on."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(Exception):
    """Will never succeed as it is (unknown user, address refused): an admin must look."""


class UnclearDeliveryError(Exception):
    """The request went out but no answer came: it may have been delivered. Never resend."""


class Transport(Protocol):
    name: str

    def reaches(self, notification: Notification) -> bool:
        """Whether this transport can deliver this notification (e.g. the person has a Slack id)."""

    def send(self, notification: Notification) -> dict | None:
        """Deliver it; return an external reference, or raise one of the errors above."""


@dataclass
class _Registration:
    order: int
    transport: Transport


def register_transport(app: Flask, transport: Transport, order: int) -> None:
    regs = app.extensions.setdefault("flashpoint.transports", [])
    regs[:] = [r for r in regs if r.transport.name != transport.name]
    regs.append(_Registration(order, transport))
    regs.sort(key=lambda r: r.order)


def transports(app: Flask | None = None) -> list[Transport]:
    app = app or current_app
    return [r.transport for r in app.extensions.get("flashpoint.transports", [])]


# A chooser may reorder or filter transports per notification (people's preferences, mutes).
Chooser = Callable[[Notification, list], "Transport | str | None"]


def set_transport_chooser(app: Flask, chooser: Chooser) -> None:
    app.extensions["flashpoint.transport_chooser"] = chooser


def choose_transport(notification: Notification):
    """The transport for this notification, `State.MUTED` when muted, or None for in-app only."""
    available = [t for t in transports() if t.reaches(notification)]
    chooser = current_app.extensions.get("flashpoint.transport_chooser")
    if chooser is not None:
        return chooser(notification, available)
    return available[0] if available else None


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, … capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _claim(notification_id: int, now: datetime) -> bool:
    # next_attempt_at doubles as "claimed at" while the row is in `sending`. The row must still be
    # due: another run may have tried it meanwhile and put it back with a later retry time.
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.state == State.PENDING.value,
               Notification.next_attempt_at <= now)
        .values(state=State.SENDING.value, attempts=Notification.attempts + 1,
                next_attempt_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_one(notification: Notification, now: datetime) -> str:
    """Send one claimed notification and record the outcome. Returns the new state."""
    try:
        choice = choose_transport(notification)
    except Exception as exc:  # nothing went out yet, so trying again later is safe
        log.exception("choosing a transport failed for notification %s", notification.id)
        db.session.rollback()
        notification.last_error = f"choosing a transport failed: {type(exc).__name__}: {exc}"[:2000]
        _retry_or_fail(notification, now, None)
        db.session.commit()
        return notification.state
    if choice == State.MUTED.value:
        notification.state = State.MUTED.value
        notification.sent_at = now
    elif choice is None:
        notification.state = State.IN_APP.value
        notification.sent_at = now
    else:
        notification.transport = choice.name
        try:
            ref = choice.send(notification)
        except DeferredDelivery as exc:
            notification.state = State.PENDING.value
            notification.attempts -= 1  # the claim counted one, but nothing went out
            # From the real clock too: a long pass's `now` may be minutes old by now.
            notification.next_attempt_at = max(now, utcnow()) + timedelta(seconds=exc.retry_after)
        except TransientDeliveryError as exc:
            notification.last_error = str(exc)[:2000]
            _retry_or_fail(notification, now, exc.retry_after)
        except PermanentDeliveryError as exc:
            notification.state = State.FAILED.value
            notification.last_error = str(exc)[:2000]
        except UnclearDeliveryError as exc:
            notification.state = State.UNCLEAR.value
            notification.last_error = str(exc)[:2000]
        except Exception as exc:  # a transport bug: we cannot tell whether it went out
            log.exception("transport %s crashed on notification %s", choice.name, notification.id)
            notification.state = State.UNCLEAR.value
            notification.last_error = f"{choice.name} failed unexpectedly: {type(exc).__name__}: {exc}"[:2000]
        else:
            notification.state = State.SENT.value
            notification.sent_at = now
            notification.external_ref = ref
            notification.last_error = None
    state = notification.state  # read before the commit expires the row (no reload)
    db.session.commit()
    return state


def _retry_or_fail(notification: Notification, now: datetime, retry_after: float | None) -> None:
    if notification.attempts >= MAX_ATTEMPTS:
        notification.state = State.FAILED.value
        return
    wait = timedelta(seconds=retry_after) if retry_after else backoff(notification.attempts)
    notification.state = State.PENDING.value
    notification.next_attempt_at = now + wait


def deliver_due(now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send what is due at `now` (at most `limit`), in batches. Safe in several processes at once."""
    now = now or utcnow()
    _mark_stale_sending(now)
    counts: dict[str, int] = {}
    handled = 0
    after_id = 0
    while limit is None or handled < limit:
        ids = db.session.scalars(
            db.select(Notification.id)
            .where(Notification.state == State.PENDING.value, Notification.next_attempt_at <= now,
                   Notification.id > after_id)
            .order_by(Notification.id)
            .limit(BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - handled))
        ).all()
        if not ids:
            break
        after_id = ids[-1]
        for notification_id in ids:
            if not _claim(notification_id, now):
                continue  # another worker took it
            notification = db.session.get(Notification, notification_id)
            state = deliver_one(notification, now)
            counts[state] = counts.get(state, 0) + 1
            handled += 1
    return counts


def delivery_duty(now: datetime) -> dict[str, int]:
    """The scheduler's duty: what is due at `now`, then, on the real clock, whatever falls due
    within a few seconds, until nothing does (at most `DELIVERY_BUDGET` seconds).

    A transport pacing itself (Slack's limits) puts messages back for a second or so; taking
    them again as soon as they are due, instead of at the next tick, lets a fan-out to the
    whole organisation go at the pace of the limits. The run sleeps only when nothing is due.
    """
    started = time.monotonic()
    real_clock = abs((utcnow() - now).total_seconds()) < 2
    counts = deliver_due(now)
    while real_clock:
        wait = _seconds_to_next_due()
        if wait is None or wait > MAX_IDLE_WAIT or time.monotonic() - started + wait > DELIVERY_BUDGET:
            break
        if wait > 0:
            time.sleep(wait)
        for state, count in deliver_due(utcnow()).items():
            counts[state] = counts.get(state, 0) + count
    return counts


def _seconds_to_next_due() -> float | None:
    """Seconds until the earliest pending message is due (None when nothing is pending)."""
    earliest = db.session.scalar(
        db.select(db.func.min(Notification.next_attempt_at)).where(Notification.state == State.PENDING.value))
    db.session.commit()
    if earliest is None:
        return None
    return (earliest - utcnow()).total_seconds()


def _mark_stale_sending(now: datetime) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.state == State.SENDING.value,
               Notification.next_attempt_at < now - STALE_SENDING)
        .values(state=State.UNCLEAR.value,
                last_error="delivery stopped mid-send; it may or may not have arrived")
    )
    db.session.commit()


def resend(notification: Notification) -> None:
    """An admin's decision to try a failed or unclear notification again."""
    notification.state = State.PENDING.value
    notification.next_attempt_at = utcnow()
    notification.attempts = 0
    notification.last_error = None


def set_aside(notification: Notification) -> None:
    """An admin has checked a failed or unclear notification (it did arrive, or no longer matters):
    it stays in the person's notifications and is never sent."""
    notification.state = State.IN_APP.value
