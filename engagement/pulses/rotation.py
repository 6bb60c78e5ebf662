"""Which questions a cycle asks, and on which dates a schedule opens cycles (pure functions).

Drivers rotate in a fixed order, `items_per_cycle` at a time, so consecutive cycles cover every
driver before any repeats; within a driver the bank's active items take turns. eNPS is added
every 4 weeks whatever the cadence, so every calendar month (28 days or more) holds one.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from engagement.pulses.models import DRIVERS

WEEKS_PER_CYCLE = {"weekly": 1, "biweekly": 2, "monthly": None}
# Cycles between two eNPS questions: 4 weeks whatever the cadence.
ENPS_EVERY = {"weekly": 4, "biweekly": 2, "monthly": 1}


def drivers_for(sequence: int, items_per_cycle: int) -> list[tuple[str, int]]:
    """(driver, how many times this driver was asked before) for the cycle at `sequence`."""
    k = max(1, min(items_per_cycle, len(DRIVERS)))
    slots = range(sequence * k, sequence * k + k)
    return [(DRIVERS[slot % len(DRIVERS)], slot // len(DRIVERS)) for slot in slots]


def enps_asked(sequence: int, cadence: str | None) -> bool:
    """Scheduled cycles ask eNPS every 4 weeks; a "send now" cycle (cadence None) always asks it."""
    if cadence is None:
        return True
    return sequence % ENPS_EVERY.get(cadence, 1) == 0


def frequency(cadence: str, items_per_cycle: int) -> dict[str, str]:
    """How often each driver (and eNPS) is asked, worked out from the rotation itself."""
    horizon = 60
    seen: dict[str, list[int]] = {}
    for seq in range(horizon):
        for driver, _ in drivers_for(seq, items_per_cycle):
            seen.setdefault(driver, []).append(seq)
        if enps_asked(seq, cadence):
            seen.setdefault("enps", []).append(seq)
    unit_weeks = WEEKS_PER_CYCLE.get(cadence)
    result = {}
    for key in list(DRIVERS) + ["enps"]:
        times = seen.get(key, [])
        gaps = [b - a for a, b in zip(times, times[1:])] or [horizon]
        gap = max(gaps)
        result[key] = _describe(gap, unit_weeks)
    return result


def _describe(cycles: int, unit_weeks: int | None) -> str:
    if unit_weeks is None:
        return "every month" if cycles == 1 else f"every {cycles} months"
    weeks = cycles * unit_weeks
    return "every week" if weeks == 1 else f"every {weeks} weeks"


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_cadence_date(day: date, cadence: str, weekday: int, starts_on: date) -> bool:
    if day < starts_on or day.weekday() != weekday or weekday > 4:
        return False
    if cadence == "biweekly":
        return ((week_monday(day) - week_monday(starts_on)).days // 7) % 2 == 0
    if cadence == "monthly":
        return day.day <= 7  # the first such weekday of the month
    return True


def sequence_of(day: date, cadence: str, starts_on: date) -> int:
    """The rotation position of the cycle opening on `day` (the same for every team of a schedule)."""
    if cadence == "monthly":
        return (day.year * 12 + day.month) - (starts_on.year * 12 + starts_on.month)
    weeks = (week_monday(day) - week_monday(starts_on)).days // 7
    return weeks // 2 if cadence == "biweekly" else weeks


def cadence_dates(cadence: str, weekday: int, starts_on: date, first: date, last: date) -> list[date]:
    days, day = [], max(first, starts_on)
    while day <= last:
        if is_cadence_date(day, cadence, weekday, starts_on):
            days.append(day)
        day += timedelta(days=1)
    return days


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
