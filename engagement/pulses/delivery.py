"""Pulse invitations and the one reminder, each sent exactly once.

Exactly-once delivery rests on unique constraints and conditional updates (a row is claimed by
`UPDATE … WHERE invited_at IS NULL`), never on a check-then-act.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import selectinload

from engagement.pulses.links import link_for, token_for, token_hash
from engagement.pulses.models import PulseCycle, PulseParticipation
from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.timeutil import valid_timezone

SEND_BATCH = 50
WORK_START, WORK_END = 9, 17  # reminders only within these local hours, Monday to Friday


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
    token = token_for(participation)
    participation.token_hash = token_hash(token)
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
