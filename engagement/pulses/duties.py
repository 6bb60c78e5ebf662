"""Scheduled pulse duties: close what is due, open scheduled cycles and invite people as their
local time arrives, and send the one reminder. Each catches up on everything due at `now`."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from engagement.pulses import cycles, delivery
from flashpoint.scheduler import register_duty

SLOT = timedelta(minutes=5)


def close_cycles(now: datetime) -> str:
    return f"{cycles.close_due_cycles(now)} closed"


def open_and_invite(now: datetime) -> str:
    opened = cycles.open_due_cycles(now)
    sent = delivery.send_due_invitations(now)
    return f"{opened} opened, {sent} invited"


def remind(now: datetime) -> str:
    return f"{delivery.send_due_reminders(now)} reminded"


def init_app(app: Flask) -> None:
    register_duty(app, "pulse_close", SLOT, close_cycles)
    register_duty(app, "pulse_open_invite", SLOT, open_and_invite)
    register_duty(app, "pulse_remind", SLOT, remind)
