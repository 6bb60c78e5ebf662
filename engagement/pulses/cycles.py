"""Pulse cycles: opening them (on schedule or at once), which questions each asks, the open ones
with their counts, and closing them (the answers, sealed while the cycle was open, written out in
random order: see engagement/pulses/answering.py).

A cycle is opened once per origin key (a unique constraint, not a check-then-act) and closed by a
conditional update, so two processes never open or close the same cycle twice.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from engagement.pulses import rotation
from engagement.pulses.answering import settle_answers
from engagement.pulses.bank import active_items, seed_bank
from engagement.pulses.errors import PulseError
from engagement.pulses.models import (
    ENPS, PulseCycle, PulseCycleItem, PulseItem, PulseParticipation, PulseSchedule,
)
from engagement.pulses.signals import cycle_closed
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import valid_timezone

NOW_OPEN_DAYS = 7


def local_instant(day: date, hhmm: str, tz_name: str) -> datetime:
    """`day` at `hhmm` in the zone, as naive UTC (an unknown zone counts as UTC)."""
    zone = ZoneInfo(tz_name) if valid_timezone(tz_name) else timezone.utc
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def pulse_members(team: Team) -> list[User]:
    """Who a team's pulse reaches: its active members (a manager created with --team is one)."""
    return [m for m in team.members if m.active]


def pick_items(sequence: int, items_per_cycle: int, cadence: str | None,
                bank: dict[str, list[PulseItem]] | None = None) -> list[PulseItem]:
    bank = bank or active_items()
    if not bank:
        seed_bank()
        bank = active_items()
    chosen = []
    for driver, turn in rotation.drivers_for(sequence, items_per_cycle):
        items = bank.get(driver)
        if items:
            chosen.append(items[turn % len(items)])
    if rotation.enps_asked(sequence, cadence) and bank.get(ENPS):
        chosen.append(bank[ENPS][sequence % len(bank[ENPS])])
    return chosen


def open_cycle(team: Team, *, origin_key: str, opens_on: date, sequence: int,
               invites: dict[User, datetime], closes_at: datetime, items: list[PulseItem],
               schedule: PulseSchedule | None = None) -> PulseCycle | None:
    """Create the cycle, its question snapshot and one participation per person, or None when a
    cycle with this origin already exists (another process opened it first)."""
    if not invites or not items:
        return None
    savepoint = db.session.begin_nested()
    try:
        cycle = PulseCycle(origin_key=origin_key, team_id=team.id, schedule_id=schedule.id if schedule else None,
                           opens_on=opens_on, sequence=sequence, first_invite_at=min(invites.values()),
                           closes_at=closes_at)
        db.session.add(cycle)
        db.session.flush()
        for position, item in enumerate(items):
            db.session.add(PulseCycleItem(cycle_id=cycle.id, item_id=item.id, position=position,
                                          driver=item.driver, scale=item.scale, wording=item.text))
        db.session.add_all(PulseParticipation(cycle_id=cycle.id, user_id=user.id, invite_at=at)
                           for user, at in invites.items())
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return cycle


def open_due_cycles(now: datetime) -> int:
    """Open every scheduled cycle whose first person's local time has come (and not yet closed)."""
    opened = 0
    schedules = db.session.scalars(db.select(PulseSchedule).where(PulseSchedule.active.is_(True))).all()
    for schedule in schedules:
        # Local dates run from UTC-12 to UTC+14: look a day either side, and back over open cycles.
        days = rotation.cadence_dates(schedule.cadence, schedule.weekday, schedule.starts_on,
                                      now.date() - timedelta(days=schedule.open_days + 1),
                                      now.date() + timedelta(days=1))
        teams = {t.id: t for chosen in schedule.teams for t in chosen.subtree()}
        for day in days:
            sequence = rotation.sequence_of(day, schedule.cadence, schedule.starts_on)
            for team in teams.values():
                key = f"schedule:{schedule.id}:{team.id}:{day.isoformat()}"
                if db.session.scalar(db.select(PulseCycle.id).where(PulseCycle.origin_key == key)):
                    continue
                members = pulse_members(team)
                invites = {m: local_instant(day, schedule.local_time, m.timezone) for m in members}
                if not invites or min(invites.values()) > now:
                    continue
                closes_at = max(local_instant(day + timedelta(days=schedule.open_days), schedule.local_time,
                                              m.timezone) for m in members)
                if closes_at <= now:
                    continue  # a tick so late the whole cycle is over: do not open it after the fact
                items = pick_items(sequence, schedule.items_per_cycle, schedule.cadence)
                if open_cycle(team, origin_key=key, opens_on=day, sequence=sequence, invites=invites,
                              closes_at=closes_at, items=items, schedule=schedule):
                    opened += 1
    return opened


def pulse_now(team_slugs: list[str], now: datetime) -> list[tuple[Team, PulseCycle | None, str]]:
    """Open a cycle now for each team (sent at once whatever the hour, open 7 days).

    Returns (team, cycle or None, message). Asking twice on the same day opens nothing new.
    """
    slugs = [s.strip() for s in team_slugs if s and s.strip()]
    if not slugs:
        raise PulseError("Name at least one team.")
    teams = []
    for slug in slugs:
        team = db.session.scalar(db.select(Team).where(Team.slug == slug))
        if team is None:
            raise PulseError(f"There is no team '{slug}'.")
        teams.append(team)
    results = []
    for team in teams:
        members = pulse_members(team)
        if not members:
            results.append((team, None, "has nobody to ask"))
            continue
        key = f"now:{team.id}:{now.date().isoformat()}"
        previous = db.session.scalar(db.select(db.func.count(PulseCycle.id)).where(PulseCycle.team_id == team.id))
        items = pick_items(previous or 0, 5, None)
        cycle = open_cycle(team, origin_key=key, opens_on=now.date(), sequence=previous or 0,
                           invites={m: now for m in members}, closes_at=now + timedelta(days=NOW_OPEN_DAYS),
                           items=items)
        results.append((team, cycle, "opened" if cycle else "already had a pulse sent today"))
    return results


def open_cycles(now: datetime) -> list[tuple[PulseCycle, int, int]]:
    """Cycles open now with how many were invited so far and how many answered (no answers)."""
    cycles = db.session.scalars(db.select(PulseCycle).where(PulseCycle.closed_at.is_(None), PulseCycle.closes_at > now)
                                .order_by(PulseCycle.closes_at)).all()
    if not cycles:
        return []
    counts = {cid: (invited or 0, answered or 0) for cid, invited, answered in db.session.execute(
        db.select(PulseParticipation.cycle_id,
                  db.func.count(PulseParticipation.invited_at),
                  db.func.sum(db.case((PulseParticipation.answered.is_(True), 1), else_=0)))
        .where(PulseParticipation.cycle_id.in_([c.id for c in cycles]))
        .group_by(PulseParticipation.cycle_id))}
    return [(cycle, *counts.get(cycle.id, (0, 0))) for cycle in cycles]


def close_due_cycles(now: datetime) -> int:
    cycles = db.session.scalars(
        db.select(PulseCycle).where(PulseCycle.closed_at.is_(None), PulseCycle.closes_at <= now)).all()
    closed = 0
    for cycle in cycles:
        result = db.session.execute(
            update(PulseCycle).where(PulseCycle.id == cycle.id, PulseCycle.closed_at.is_(None))
            .values(closed_at=now).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            db.session.refresh(cycle)
            settle_answers(cycle)
            cycle_closed.send(current_app._get_current_object(), cycle=cycle)
            closed += 1
    return closed

