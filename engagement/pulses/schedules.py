"""Pulse schedules: the fields HR fills in, their validation in words, and saving them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from engagement.pulses.errors import PulseError
from engagement.pulses.models import CADENCES, DRIVERS, PulseSchedule
from flashpoint.extensions import db
from flashpoint.people.models import Team, User


@dataclass
class ScheduleFields:
    name: str = ""
    team_ids: list[int] = field(default_factory=list)
    cadence: str = "weekly"
    weekday: int | None = 1
    local_time: str = "10:00"
    open_days: int | None = 5
    items_per_cycle: int | None = 5
    starts_on: date | None = None


_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def validate_schedule(fields: ScheduleFields) -> dict[str, str]:
    """Each field's problem in words; empty when the schedule can be saved."""
    errors = {}
    if not fields.name.strip():
        errors["name"] = "Give the schedule a name."
    if not fields.team_ids:
        errors["team_ids"] = "Choose at least one team."
    elif db.session.scalar(db.select(db.func.count(Team.id)).where(Team.id.in_(fields.team_ids))) != len(set(fields.team_ids)):
        errors["team_ids"] = "One of the chosen teams does not exist."
    if fields.cadence not in CADENCES:
        errors["cadence"] = "Choose weekly, every 2 weeks or monthly."
    if fields.weekday is None or not 0 <= fields.weekday <= 4:
        errors["weekday"] = "Pulses open on a weekday, Monday to Friday."
    if not _HHMM.match(fields.local_time or ""):
        errors["local_time"] = "Give a time of day as HH:MM, from 00:00 to 23:59."
    if fields.open_days is None or not 1 <= fields.open_days <= 14:
        errors["open_days"] = "A cycle stays open for 1 to 14 days."
    if fields.items_per_cycle is None or not 1 <= fields.items_per_cycle <= len(DRIVERS):
        errors["items_per_cycle"] = f"Ask 1 to {len(DRIVERS)} questions per cycle."
    if fields.cadence == "weekly" and fields.open_days and fields.open_days > 7:
        errors.setdefault("open_days", "A weekly cycle can stay open 7 days at most.")
    return errors


def save_schedule(fields: ScheduleFields, *, schedule: PulseSchedule | None = None,
                  created_by: User | None = None, today: date) -> PulseSchedule:
    errors = validate_schedule(fields)
    if errors:
        raise PulseError(" ".join(errors.values()))
    if schedule is None:
        schedule = PulseSchedule(created_by_id=created_by.id if created_by else None,
                                 starts_on=fields.starts_on or today)
        db.session.add(schedule)
    schedule.name = fields.name.strip()[:120]
    schedule.cadence = fields.cadence
    schedule.weekday = fields.weekday
    schedule.local_time = fields.local_time
    schedule.open_days = fields.open_days
    schedule.items_per_cycle = fields.items_per_cycle
    schedule.teams = db.session.scalars(db.select(Team).where(Team.id.in_(fields.team_ids))).all()
    db.session.flush()
    return schedule


def pause_or_run(schedule: PulseSchedule) -> bool:
    """Pause a running schedule or run a paused one (the caller commits); True when it now runs.

    A paused schedule opens no new cycles; cycles already open run their course.
    """
    schedule.active = not schedule.active
    return schedule.active
