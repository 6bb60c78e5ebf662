"""Pulse behaviour: schedules, opening cycles, invitations and reminders, answers, comment threads.

Plain values in, domain objects out; the views, the CLI, the scheduler and the Slack listeners
all call these functions. Exactly-once delivery rests on unique constraints and conditional
updates (a row is claimed by `UPDATE … WHERE invited_at IS NULL`), never on a check-then-act.
"""
from __future__ import annotations

import hashlib
import hmac
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engagement.pulses import rotation
from engagement.pulses.models import (
    AGREE5, CADENCES, DRIVERS, ENPS, NPS11, PulseAnswer, PulseComment, PulseCommentAuthor,
    PulseCommentReply, PulseCycle, PulseCycleItem, PulseItem, PulseParticipation, PulseSchedule,
)
from engagement.pulses.signals import cycle_closed
from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import Team, User
from flashpoint.timeutil import valid_timezone

NOW_OPEN_DAYS = 7
COMMENT_MAX = 2000
SEND_BATCH = 50
WORK_START, WORK_END = 9, 17  # reminders only within these local hours, Monday to Friday


class PulseError(Exception):
    """A refusal with a message fit to show the person who asked."""


class LinkUnusable(PulseError):
    """The one-time link is unknown, used or expired."""


# --- Question bank --------------------------------------------------------------------------

def add_item(driver: str, text: str) -> PulseItem:
    driver, text = (driver or "").strip(), " ".join((text or "").split())
    if driver not in DRIVERS and driver != ENPS:
        raise PulseError("Choose one of the drivers.")
    if not 8 <= len(text) <= 300:
        raise PulseError("Write the question in 8 to 300 characters.")
    item = PulseItem(driver=driver, scale=NPS11 if driver == ENPS else AGREE5, text=text)
    db.session.add(item)
    db.session.flush()
    return item


def edit_item(item: PulseItem, text: str) -> PulseItem:
    """New wording from the next cycle on; cycles already opened keep the wording they asked."""
    text = " ".join((text or "").split())
    if not 8 <= len(text) <= 300:
        raise PulseError("Write the question in 8 to 300 characters.")
    if text != item.text:
        item.text = text
        item.version += 1
    return item


def retire_item(item: PulseItem, now: datetime) -> None:
    active_same_driver = db.session.scalar(
        db.select(db.func.count(PulseItem.id)).where(
            PulseItem.driver == item.driver, PulseItem.retired_at.is_(None)))
    if item.retired_at is None and active_same_driver <= 1:
        raise PulseError("This is the last active question of its driver: add another before retiring it.")
    item.retired_at = item.retired_at or now


def restore_item(item: PulseItem) -> None:
    item.retired_at = None


def active_items() -> dict[str, list[PulseItem]]:
    items = db.session.scalars(
        db.select(PulseItem).where(PulseItem.retired_at.is_(None)).order_by(PulseItem.id)).all()
    by_driver: dict[str, list[PulseItem]] = {}
    for item in items:
        by_driver.setdefault(item.driver, []).append(item)
    return by_driver


# --- Schedules --------------------------------------------------------------------------------

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


# --- Opening cycles -----------------------------------------------------------------------------

def local_instant(day: date, hhmm: str, tz_name: str) -> datetime:
    """`day` at `hhmm` in the zone, as naive UTC (an unknown zone counts as UTC)."""
    zone = ZoneInfo(tz_name) if valid_timezone(tz_name) else timezone.utc
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def pulse_members(team: Team) -> list[User]:
    """Who a team's pulse reaches: its active members (a manager created with --team is one)."""
    return [m for m in team.members if m.active]


def _pick_items(sequence: int, items_per_cycle: int, cadence: str | None,
                bank: dict[str, list[PulseItem]] | None = None) -> list[PulseItem]:
    bank = bank or active_items()
    if not bank:
        from engagement.pulses.bank import seed_bank

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
                items = _pick_items(sequence, schedule.items_per_cycle, schedule.cadence)
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
        items = _pick_items(previous or 0, 5, None)
        cycle = open_cycle(team, origin_key=key, opens_on=now.date(), sequence=previous or 0,
                           invites={m: now for m in members}, closes_at=now + timedelta(days=NOW_OPEN_DAYS),
                           items=items)
        results.append((team, cycle, "opened" if cycle else "already had a pulse sent today"))
    return results


# --- One-time links -----------------------------------------------------------------------------

def _token_for(participation: PulseParticipation) -> str:
    """The link's token, derived with the secret key so the reminder can carry the same link;
    only its sha256 is stored, so reading the database gives nobody a working link."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"pulse-link:{participation.cycle_id}:{participation.user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(participation: PulseParticipation) -> str:
    return f"{current_app.config['BASE_URL']}/pulse/{_token_for(participation)}"


def participation_for_token(token: str, now: datetime) -> PulseParticipation:
    """The participation behind a link, or LinkUnusable saying why in plain words."""
    if not token or len(token) > 128:
        raise LinkUnusable("This pulse link is not valid.")
    participation = db.session.scalar(
        db.select(PulseParticipation).where(PulseParticipation.token_hash == _hash(token)))
    if participation is None:
        raise LinkUnusable("This pulse link is not valid. Check that you copied all of it.")
    if participation.answered:
        raise LinkUnusable("This link has been used: your answers are already in. Thank you!")
    if not participation.cycle.is_open(now):
        raise LinkUnusable("This pulse has closed, so the link no longer works. The next one will come soon.")
    return participation


# --- Invitations and reminders -----------------------------------------------------------------

INVITATION_WORDINGS = [
    "A short pulse for {team} is open: {count} questions, about a minute. Your answers are anonymous.",
    "How are things in {team}? {count} quick questions, answered anonymously.",
    "Your team pulse is here: {count} questions for {team}. Nobody sees who answered what.",
    "Time for a quick, anonymous pulse: {count} questions about work in {team}.",
]
REMINDER_WORDINGS = [
    "The {team} pulse closes {closes}. If you have a minute, your view counts.",
    "Still time to answer the {team} pulse (it closes {closes}). It stays anonymous.",
    "A gentle nudge: the {team} pulse is open until {closes}.",
]


def _claim(participation_id: int, column, now: datetime, *extra) -> bool:
    """Set `column` to now where it is still empty: True for exactly one caller."""
    result = db.session.execute(
        update(PulseParticipation)
        .where(PulseParticipation.id == participation_id, column.is_(None), *extra)
        .values({column.key: now})
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def send_due_invitations(now: datetime) -> int:
    """Invite everyone whose local opening time has come. Committed in small batches: a run
    that dies half-way leaves each person either fully invited or not at all, and the next
    run picks up the rest."""
    sent = 0
    while True:
        due = db.session.scalars(
            db.select(PulseParticipation.id)
            .join(PulseCycle, PulseCycle.id == PulseParticipation.cycle_id)
            .where(PulseParticipation.invited_at.is_(None), PulseParticipation.invite_at <= now,
                   PulseCycle.closed_at.is_(None), PulseCycle.closes_at > now)
            .order_by(PulseParticipation.invite_at, PulseParticipation.id)
            .limit(SEND_BATCH)).all()
        if not due:
            return sent
        # One conditional UPDATE claims the batch: a racing sender's UPDATE waits for this one
        # and then finds these rows no longer NULL, so it claims none of them.
        claimed = db.session.scalars(
            update(PulseParticipation)
            .where(PulseParticipation.id.in_(due), PulseParticipation.invited_at.is_(None))
            .values(invited_at=now).returning(PulseParticipation.id)
            .execution_options(synchronize_session=False)).all()
        if claimed:
            batch = db.session.scalars(
                db.select(PulseParticipation).where(PulseParticipation.id.in_(claimed))
                .options(selectinload(PulseParticipation.user), selectinload(PulseParticipation.cycle))
                .order_by(PulseParticipation.id)).all()
            for participation in batch:
                if participation.user.active:  # someone who left since the cycle opened: claimed, not sent
                    _invite(participation)
                    sent += 1
        db.session.commit()


def _invite(participation: PulseParticipation) -> None:
    cycle, user = participation.cycle, participation.user
    token = _token_for(participation)
    participation.token_hash = _hash(token)
    text = varied("pulse.invitation", user, INVITATION_WORDINGS, team=cycle.team.name, count=len(cycle.items))
    record_notification(
        "pulse.invitation", f"Pulse for {cycle.team.name}", text, recipient=user,
        secret_url=f"{current_app.config['BASE_URL']}/pulse/{token}",
        dedupe_key=f"pulse.invitation:{cycle.id}:{user.id}",
        extra={"cycle_id": cycle.id, "questions": len(cycle.items),
               "closes_at": cycle.closes_at.isoformat(timespec="minutes")})


def within_working_hours(now: datetime, tz_name: str) -> bool:
    local = now.replace(tzinfo=timezone.utc).astimezone(
        ZoneInfo(tz_name) if valid_timezone(tz_name) else timezone.utc)
    return local.weekday() < 5 and WORK_START <= local.hour < WORK_END


def send_due_reminders(now: datetime) -> int:
    """One reminder per person and cycle, once half the cycle has passed for them, on a weekday
    between 09:00 and 17:00 their time, only to those who have not answered."""
    rows = db.session.scalars(
        db.select(PulseParticipation)
        .join(PulseCycle, PulseCycle.id == PulseParticipation.cycle_id)
        .where(PulseParticipation.invited_at.is_not(None), PulseParticipation.reminded_at.is_(None),
               PulseParticipation.answered.is_(False), PulseCycle.closed_at.is_(None),
               PulseCycle.closes_at > now)).all()
    sent = 0
    for participation in rows:
        cycle, user = participation.cycle, participation.user
        halfway = participation.invite_at + (cycle.closes_at - participation.invite_at) / 2
        if now < halfway or not user.active or not within_working_hours(now, user.timezone):
            continue
        if not _claim(participation.id, PulseParticipation.reminded_at, now,
                      PulseParticipation.answered.is_(False)):
            continue
        closes = cycle.closes_at.replace(tzinfo=timezone.utc).astimezone(
            ZoneInfo(user.timezone) if valid_timezone(user.timezone) else timezone.utc)
        text = varied("pulse.reminder", user, REMINDER_WORDINGS, team=cycle.team.name,
                      closes=closes.strftime("%A %H:%M"))
        record_notification(
            "pulse.reminder", f"Reminder: pulse for {cycle.team.name}", text, recipient=user,
            secret_url=link_for(participation), dedupe_key=f"pulse.reminder:{cycle.id}:{user.id}",
            extra={"cycle_id": cycle.id})
        sent += 1
    return sent


def close_due_cycles(now: datetime) -> int:
    cycles = db.session.scalars(
        db.select(PulseCycle).where(PulseCycle.closed_at.is_(None), PulseCycle.closes_at <= now)).all()
    closed = 0
    for cycle in cycles:
        result = db.session.execute(
            update(PulseCycle).where(PulseCycle.id == cycle.id, PulseCycle.closed_at.is_(None))
            .values(closed_at=now).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            _reshuffle_answers(cycle.id)
            db.session.refresh(cycle)
            cycle_closed.send(current_app._get_current_object(), cycle=cycle)
            closed += 1
    return closed


def _reshuffle_answers(cycle_id: int) -> None:
    """Rewrite a closed cycle's answers in random order under new random keys.

    SQLite keeps them in key order (WITHOUT ROWID), but PostgreSQL stores rows in the order they
    arrived, which follows the order people answered: rewriting them once the cycle closes
    leaves that order nowhere (the old row versions go with the next vacuum).
    """
    rows = db.session.execute(db.select(PulseAnswer.cycle_item_id, PulseAnswer.driver, PulseAnswer.value)
                              .where(PulseAnswer.cycle_id == cycle_id)).all()
    if not rows:
        return
    rows = [dict(cycle_id=cycle_id, cycle_item_id=i, driver=d, value=v) for i, d, v in rows]
    random.SystemRandom().shuffle(rows)
    db.session.execute(db.delete(PulseAnswer).where(PulseAnswer.cycle_id == cycle_id))
    db.session.execute(db.insert(PulseAnswer), [dict(row, id=_new_key()) for row in rows])


def _new_key() -> str:
    return secrets.token_hex(16)


# --- Answering ------------------------------------------------------------------------------------

def parse_answers(cycle: PulseCycle, raw: dict[str, str]) -> tuple[dict[int, int], dict[int, str]]:
    """Values per cycle item from form-like input ({"q<item id>": "4"}); errors per item."""
    values, errors = {}, {}
    for item in cycle.items:
        text = (raw.get(f"q{item.id}") or "").strip()
        if not text:
            errors[item.id] = "Choose an answer for this question."
            continue
        try:
            value = int(text)
        except ValueError:
            errors[item.id] = f"Answer with a number from {item.low} to {item.high}."
            continue
        if not item.low <= value <= item.high:
            errors[item.id] = f"Answer with a number from {item.low} to {item.high}."
            continue
        values[item.id] = value
    return values, errors


def submit_answers(participation: PulseParticipation, values: dict[int, int], comment: str | None,
                   now: datetime) -> PulseComment | None:
    """Store one person's answers anonymously (the caller commits).

    The participation is marked answered by a conditional update, so a second answer (a double
    click, two tabs, Slack and the link) is refused. The answers carry the cycle, the item and
    the value only; their keys are random and they are added in shuffled order.
    """
    cycle = participation.cycle
    if not cycle.is_open(now):
        raise LinkUnusable("This pulse has closed; answers are no longer taken.")
    items = {item.id: item for item in cycle.items}
    if set(values) != set(items):
        raise PulseError("Answer every question.")
    for item_id, value in values.items():
        item = items[item_id]
        if not isinstance(value, int) or not item.low <= value <= item.high:
            raise PulseError(f"Answer with a number from {item.low} to {item.high}.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise PulseError(f"Keep the comment under {COMMENT_MAX} characters.")
    result = db.session.execute(
        update(PulseParticipation)
        .where(PulseParticipation.id == participation.id, PulseParticipation.answered.is_(False))
        .values(answered=True).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise LinkUnusable("You have already answered this pulse. Thank you!")
    answers = [PulseAnswer(cycle_id=cycle.id, cycle_item_id=item_id, driver=items[item_id].driver, value=value)
               for item_id, value in values.items()]
    random.SystemRandom().shuffle(answers)
    db.session.add_all(answers)
    saved = None
    if comment:
        saved = PulseComment(cycle_id=cycle.id, body=comment)
        db.session.add(saved)
        db.session.flush()
        db.session.add(PulseCommentAuthor(comment_id=saved.id, user_id=participation.user_id))
    db.session.flush()
    return saved


def open_participation(user: User, cycle_id: int, now: datetime) -> PulseParticipation:
    """The person's own invitation to a cycle (Slack's Start button), or a PulseError."""
    participation = db.session.scalar(db.select(PulseParticipation).where(
        PulseParticipation.cycle_id == cycle_id, PulseParticipation.user_id == user.id))
    if participation is None or participation.invited_at is None:
        raise PulseError("This pulse was not sent to you.")
    if participation.answered:
        raise LinkUnusable("You have already answered this pulse. Thank you!")
    if not participation.cycle.is_open(now):
        raise LinkUnusable("This pulse has closed.")
    return participation


def open_pulses_for(user: User, now: datetime) -> list[PulseParticipation]:
    return db.session.scalars(
        db.select(PulseParticipation).join(PulseCycle, PulseCycle.id == PulseParticipation.cycle_id)
        .where(PulseParticipation.user_id == user.id, PulseParticipation.invited_at.is_not(None),
               PulseParticipation.answered.is_(False), PulseCycle.closed_at.is_(None),
               PulseCycle.closes_at > now)).all()


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


# --- Comment threads ------------------------------------------------------------------------------

def is_comment_author(user: User, comment: PulseComment) -> bool:
    return db.session.scalar(db.select(PulseCommentAuthor.user_id).where(
        PulseCommentAuthor.comment_id == comment.id)) == user.id


def reply_to_comment(comment: PulseComment, user: User, body: str) -> PulseCommentReply:
    """A manager's (or HR's) reply; the anonymous author is told in their notifications."""
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise PulseError(f"Write a reply of 1 to {COMMENT_MAX} characters.")
    reply = PulseCommentReply(comment_id=comment.id, user_id=user.id, from_author=False, body=body)
    db.session.add(reply)
    author_id = db.session.scalar(db.select(PulseCommentAuthor.user_id).where(
        PulseCommentAuthor.comment_id == comment.id))
    author = db.session.get(User, author_id) if author_id else None
    if author is not None and author.active:
        text = varied("pulse.comment_reply", author, [
            "{name} replied to the comment you left in a pulse. Only you can see it is yours.",
            "Your anonymous pulse comment has a reply from {name}.",
            "{name} answered your pulse comment; you can reply without being named.",
        ], name=user.name)
        record_notification("pulse.comment_reply", "A reply to your pulse comment", text, recipient=author,
                            anonymous_recipient=True, link=f"/pulses/comments/{comment.id}",
                            extra={"comment_id": comment.id})
    db.session.flush()
    return reply


def author_reply(comment: PulseComment, user: User, body: str) -> PulseCommentReply:
    """The anonymous author answers back: stored without their name; the repliers are told."""
    if not is_comment_author(user, comment):
        raise PulseError("Only the comment's author can answer here.")
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise PulseError(f"Write a reply of 1 to {COMMENT_MAX} characters.")
    reply = PulseCommentReply(comment_id=comment.id, user_id=None, from_author=True, body=body)
    db.session.add(reply)
    repliers = {r.user for r in comment.replies if not r.from_author and r.user is not None and r.user.active}
    for person in repliers:
        record_notification("pulse.comment_reply", "The anonymous author answered",
                            "The author of a pulse comment you replied to has answered.",
                            recipient=person, link=f"/pulses/comments/{comment.id}",
                            extra={"comment_id": comment.id})
    db.session.flush()
    return reply
