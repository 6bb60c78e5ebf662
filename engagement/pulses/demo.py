"""Demo step "pulses": a weekly schedule and a year of closed cycles for every demo team.

Each team's mood follows the customer-feedback demo's trend for that team (so engagement and
customer satisfaction move together in most teams), blended with a trend of its own; two teams
answer in very small numbers, so the threshold and the subtraction rule are visible.
"""
from __future__ import annotations

import hashlib
import math
import random
import uuid
from datetime import timedelta

from sqlalchemy import insert

from engagement.pulses import cycles, delivery, rotation
from engagement.pulses.bank import active_items
from engagement.pulses.bank import seed_bank
from engagement.pulses.models import (
    DRIVERS, ENPS, PulseAnswer, PulseComment, PulseCommentAuthor, PulseCycle, PulseCycleItem,
    PulseParticipation, PulseSchedule,
)
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow

WEEKS = 52
SMALL_TEAMS = {"store-airport", "field-repairs"}  # few people answer: their figures stay hidden
COMMENTS_GOOD = [
    "The new rota makes it much easier to plan my week.",
    "Our team lead always makes time to listen.",
    "Being allowed to refund small amounts on the spot has made a big difference.",
    "Good week, customers were lovely and we helped each other out.",
    "I really liked the training on handling difficult calls.",
]
COMMENTS_BAD = [
    "The handheld scanners keep freezing and customers wait.",
    "Too many people off sick and nobody covering, we are stretched thin.",
    "I would like to hear more about how I am doing.",
    "We need permission for every little thing, it slows customers down.",
    "Hard to switch off when the group chat keeps buzzing at night.",
]


def _own_trend(slug: str) -> tuple[float, float]:
    digest = hashlib.sha256(f"flashpoint-pulse-trend-{slug}".encode()).digest()
    return (digest[0] / 255 - 0.5) * 0.8, (digest[1] / 255 - 0.5) * 1.6


def _feedback_trend(slug: str) -> tuple[float, float] | None:
    try:
        from recognition.feedback.demo import team_trend
    except ImportError:  # the feedback demo is optional: each team then keeps its own trend
        return None
    return team_trend(slug)


def _mood(slug: str, progress: float) -> float:
    level, drift = _own_trend(slug)
    customer = _feedback_trend(slug)
    if customer is not None:
        # Most teams move with their customers; every third team drifts on its own.
        weight = 0.2 if int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 3 == 0 else 0.8
        level = weight * customer[0] + (1 - weight) * level
        drift = weight * customer[1] + (1 - weight) * drift
    return level + drift * (progress - 0.5)


def _driver_offsets(slug: str) -> dict[str, float]:
    rng = random.Random(f"drivers-{slug}")
    return {d: rng.uniform(-0.45, 0.45) for d in DRIVERS}


def load_pulses(rng: random.Random) -> None:
    seed_bank()
    now = utcnow().replace(second=0, microsecond=0)
    teams = [t for t in db.session.scalars(db.select(Team).order_by(Team.slug)) if t.parent_id and not t.children]
    if not teams:
        return
    today = now.date()
    starts_on = rotation.week_monday(today) - timedelta(weeks=WEEKS)
    hr = db.session.scalar(db.select(User).where(User.role == "hr").order_by(User.id))
    schedule = PulseSchedule(name="Weekly pulse", cadence="weekly", weekday=1, local_time="10:00", open_days=5,
                             items_per_cycle=5, starts_on=starts_on, created_by_id=hr.id if hr else None)
    schedule.teams = teams
    db.session.add(schedule)
    db.session.flush()

    days = rotation.cadence_dates("weekly", 1, starts_on, starts_on, today)
    bank = active_items()
    # Pass 1: every past cycle and its questions, inserted in bulk (ids come back in order).
    plans, cycle_rows = [], []
    for team in teams:
        members = cycles.pulse_members(team)
        for day in days:
            invites = {m.id: cycles.local_instant(day, "10:00", m.timezone) for m in members}
            closes_at = max(cycles.local_instant(day + timedelta(days=5), "10:00", m.timezone) for m in members)
            if closes_at > now:
                continue  # the scheduler opens the current week's cycle itself
            sequence = rotation.sequence_of(day, "weekly", starts_on)
            plans.append((team, members, day, invites, cycles.pick_items(sequence, 5, "weekly", bank)))
            cycle_rows.append({"origin_key": f"schedule:{schedule.id}:{team.id}:{day.isoformat()}",
                               "team_id": team.id, "schedule_id": schedule.id, "opens_on": day,
                               "sequence": sequence, "first_invite_at": min(invites.values()),
                               "closes_at": closes_at, "closed_at": closes_at, "created_at": min(invites.values())})
    cycle_ids = db.session.scalars(insert(PulseCycle).returning(PulseCycle.id, sort_by_parameter_order=True),
                                   cycle_rows).all()
    item_rows = [{"cycle_id": cid, "item_id": item.id, "position": pos, "driver": item.driver, "scale": item.scale,
                  "wording": item.text} for cid, plan in zip(cycle_ids, plans) for pos, item in enumerate(plan[4])]
    item_ids = iter(db.session.scalars(insert(PulseCycleItem).returning(PulseCycleItem.id, sort_by_parameter_order=True),
                                       item_rows).all())

    # Pass 2: who answered, and what.
    participations, answers, comments, authors = [], [], [], []
    for cycle_id, (team, members, day, invites, items) in zip(cycle_ids, plans):
        asked = [(next(item_ids), item.driver) for item in items]
        offsets = _driver_offsets(team.slug)
        progress = (day - starts_on).days / (WEEKS * 7)
        mood = _mood(team.slug, progress) - 0.12 * math.cos(2 * math.pi * (progress + 0.1))
        if team.slug in SMALL_TEAMS:
            chosen = {m.id for m in rng.sample(members, min(len(members), rng.choice((2, 3, 3, 4))))}
            answering = [m for m in members if m.id in chosen]
        else:
            rate = max(0.45, min(0.95, 0.74 + 0.15 * mood + rng.gauss(0, 0.07)))
            answering = [m for m in members if rng.random() < rate]
        answered_ids = {m.id for m in answering}
        for member in members:
            answered = member.id in answered_ids
            participations.append({
                "cycle_id": cycle_id, "user_id": member.id, "invite_at": invites[member.id],
                "invited_at": invites[member.id], "answered": answered,
                "reminded_at": None if answered or rng.random() < 0.3 else
                invites[member.id] + timedelta(days=2, hours=rng.randint(0, 5)),
            })
        for member in answering:
            personal = rng.gauss(0, 0.45)
            for item_id, driver in asked:
                if driver == ENPS:
                    value = max(0, min(10, round(8.0 + 2.4 * mood + 1.5 * personal + rng.gauss(0, 1.4))))
                else:
                    value = max(1, min(5, round(3.55 + 0.95 * mood + offsets[driver] + personal + rng.gauss(0, 0.65))))
                answers.append({"id": uuid.UUID(int=rng.getrandbits(128)).hex, "cycle_id": cycle_id,
                                "cycle_item_id": item_id, "driver": driver, "value": value})
            if rng.random() < 0.07:
                comment_id = uuid.UUID(int=rng.getrandbits(128)).hex
                pool = COMMENTS_GOOD if mood + personal > 0 else COMMENTS_BAD
                comments.append({"id": comment_id, "cycle_id": cycle_id, "body": rng.choice(pool)})
                authors.append({"comment_id": comment_id, "user_id": member.id})
    rng.shuffle(answers)
    for table, rows in ((PulseParticipation, participations), (PulseAnswer, answers),
                        (PulseComment, comments), (PulseCommentAuthor, authors)):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(table), rows[start:start + 2000])
    db.session.flush()
    # The current week: opened and sent the way the scheduler does it.
    cycles.open_due_cycles(now)
    delivery.send_due_invitations(now)
