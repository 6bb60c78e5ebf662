"""Periods of the panel: a month starts on its first day, a week on Monday (UTC dates)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engagement.insights.models import GRAINS


def period_start(day: date | datetime, grain: str) -> date:
    if isinstance(day, datetime):
        day = day.date()
    if grain == "month":
        return day.replace(day=1)
    if grain == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"unknown grain {grain!r}")


def shift(start: date, grain: str, periods: int) -> date:
    """The start of the period `periods` steps after (or before) the one starting at `start`."""
    if grain == "week":
        return start + timedelta(weeks=periods)
    month = start.year * 12 + (start.month - 1) + periods
    return date(month // 12, month % 12 + 1, 1)


def period_end(start: date, grain: str) -> date:
    """The first day after the period (exclusive end)."""
    return shift(start, grain, 1)


def starts_for(day: date | datetime) -> dict[str, date]:
    """The start of the week and of the month containing `day`, by grain."""
    return {grain: period_start(day, grain) for grain in GRAINS}


def label(start: date, grain: str) -> str:
    if grain == "month":
        return start.strftime("%b %Y")
    return "w/c " + start.strftime("%d %b %Y")
