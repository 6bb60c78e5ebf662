"""Demo feedback: a year per team in CSAT, NPS and CES, with praise naming staff and plain complaints.

Each team has a persistent level and a slow drift (`team_trend`), so teams differ and some improve
while others decline; the engagement demo can read the same trend to make the two move together.
"""
from __future__ import annotations

import hashlib
import math
import random
import uuid
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received

DAYS = 365
# Items per team per day on average (form metric about 70 %, the other two share the rest).
DAILY_ITEMS = 2.6
# Items this recent are announced (feedback_received), so praise routing has fresh material;
# older demo history is loaded silently instead of flooding the outbox with a year of notes.
ANNOUNCE_DAYS = 14

PRAISE_NAMED = [
    "{name} was brilliant today. Patient, friendly and sorted everything in minutes.",
    "Huge thanks to {name}, who went out of their way to help me.",
    "{name} remembered me from last time and had everything ready. Lovely service!",
    "I was stressed when I arrived and {name} calmed me down and fixed it. Thank you!",
    "Please tell {name}'s manager how great they were. Really kind and knowledgeable.",
    "{name} explained everything clearly and didn't rush me at all. Excellent.",
    "Special mention for {name} who stayed late to finish the job properly.",
    "{name} made my day, genuinely the best service I've had in ages.",
    "Fantastic help from {name}. Honest advice, no upselling.",
    "Thanks {name}! Quick, cheerful and spot on.",
    "{name} noticed I was struggling and came over before I even asked. Wonderful.",
    "Big shout-out to {name} for sorting the mix-up so quickly and with a smile.",
]
PRAISE_TWO = [
    "{name} and {other} were both amazing, a real team effort. Thank you!",
    "Thanks to {name} for the warm welcome and to {other} for sorting the paperwork.",
]
PRAISE_PLAIN = [
    "Quick and friendly service, thank you.",
    "Everything went smoothly. Very happy.",
    "Great experience as always.",
    "Helpful staff and no waiting. Perfect.",
    "Really pleased, will definitely come back.",
    "Lovely people, easy process.",
]
COMPLAINTS = {
    "stores": [
        "Waited twenty minutes at the till with only one person serving.",
        "The item was out of stock again and nobody could tell me when it would be back.",
        "Fitting rooms were closed and the staff seemed uninterested.",
        "Prices on the shelf didn't match the till. Annoying.",
        "Website said it was in stock at this store. It wasn't.",
    ],
    "care": [
        "On hold for forty minutes and then the call dropped.",
        "I had to explain my problem three times to three different people.",
        "The chat bot kept sending me in circles before I reached a human.",
        "Promised a call back that never came.",
        "My refund still hasn't arrived after two weeks.",
    ],
    "field": [
        "The engineer arrived three hours late without any warning.",
        "Delivery slot was missed and I took a day off work for nothing.",
        "Installation left a mess and the old unit was not taken away.",
        "Had to book a second visit because the wrong part was brought.",
        "Nobody told me the delivery was rescheduled.",
    ],
}
NEUTRAL = [
    "It was fine. Nothing special.",
    "Okay overall but it took longer than I expected.",
    "Service was good but the queue was long.",
    "Friendly enough, though I had to come back a second time.",
    "",
]
AMBIGUOUS = [
    "{name} at the counter was very kind, but I didn't catch the surname.",
    "The person called {name} helped me a lot, I think it was {name}?",
]


def team_trend(slug: str) -> tuple[float, float]:
    """(level, drift per year) in satisfaction units for a team: stable across runs, differs by team."""
    digest = hashlib.sha256(f"flashpoint-demo-trend-{slug}".encode()).digest()
    level = (digest[0] / 255 - 0.5) * 1.0          # -0.5 .. 0.5
    drift = (digest[1] / 255 - 0.5) * 1.4          # -0.7 .. 0.7 over the year
    return level, drift


def _score(metric: str, satisfaction: float) -> int:
    if metric == "csat":
        return max(1, min(5, round(3.7 + 1.15 * satisfaction)))
    if metric == "nps":
        return max(0, min(10, round(7.6 + 2.3 * satisfaction)))
    return max(1, min(7, round(5.2 + 1.45 * satisfaction)))


def _department(team: Team) -> str:
    root = team
    while root.parent is not None:
        root = root.parent
    return root.slug if root.slug in COMPLAINTS else "stores"


def _called(user: User, rng: random.Random) -> str:
    """What a customer calls this person: their first name, or sometimes their nickname."""
    nicknames = [n.strip() for n in (user.nicknames or "").split(",") if n.strip()]
    if nicknames and rng.random() < 0.5:
        return rng.choice(nicknames)
    return user.first_name


def load_feedback(rng: random.Random) -> None:
    now = utcnow().replace(second=0, microsecond=0)
    teams = [t for t in db.session.scalars(db.select(Team).order_by(Team.slug)) if t.parent_id is not None
             and not t.children]
    people = db.session.scalars(db.select(User).where(User.active.is_(True), User.team_id.isnot(None))).all()
    by_team: dict[int, list[User]] = {}
    for person in people:
        if person.role == "staff":
            by_team.setdefault(person.team_id, []).append(person)
    first_counts = Counter(p.first_name for p in people)
    shared_firsts = sorted(name for name, n in first_counts.items() if n > 1)

    rows: list[dict] = []
    for team in teams:
        level, drift = team_trend(team.slug)
        staff = by_team.get(team.id, [])
        department = _department(team)
        others = [m for m in team.metrics if m != team.form_metric]
        team_ambiguous = [n for n in shared_firsts if any(p.first_name == n for p in staff)] or shared_firsts
        for day in range(DAYS, 0, -1):
            progress = 1 - day / DAYS
            # Seasonal dip around the busy winter weeks, and weekly noise on top of the trend.
            seasonal = -0.06 * math.cos(2 * math.pi * (progress + 0.1))
            mood = level + drift * (progress - 0.5) + seasonal
            for _ in range(_poisson(rng, DAILY_ITEMS)):
                metric = team.form_metric if (not others or rng.random() < 0.7) else rng.choice(others)
                satisfaction = mood + rng.gauss(0, 0.85)
                score = _score(metric, satisfaction)
                received = (now - timedelta(days=day)).replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59))
                comment, helper = _words(rng, satisfaction, staff, department, team_ambiguous)
                channel = rng.choices(("form", "csv", "api"), weights=(60, 25, 15))[0]
                external_id = (f"form-{uuid.UUID(int=rng.getrandbits(128))}" if channel == "form"
                               else f"demo-{channel}-{team.slug}-{len(rows)}")
                rows.append({
                    "external_id": external_id, "team_id": team.id, "metric": metric, "score": score,
                    "comment": comment, "helper_name": helper, "received_at": min(received, now),
                    "channel": channel, "consent": bool(comment) and satisfaction > 0 and rng.random() < 0.45,
                    "positive": is_positive(metric, score, comment), "created_at": min(received, now),
                })
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Feedback), rows[start:start + 2000])
    recent = db.session.scalars(db.select(Feedback).where(Feedback.received_at >= now - timedelta(days=ANNOUNCE_DAYS))
                                .order_by(Feedback.received_at)).all()
    if recent:
        feedback_received.send(current_app._get_current_object(), items=list(recent))


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _words(rng: random.Random, satisfaction: float, staff: list[User], department: str,
           ambiguous: list[str]) -> tuple[str, str]:
    """(comment, who helped) for one item, in keeping with how the customer felt."""
    if satisfaction > 0.35:
        roll = rng.random()
        if staff and roll < 0.42:
            person = rng.choice(staff)
            if len(staff) > 1 and rng.random() < 0.12:
                other = rng.choice([p for p in staff if p is not person])
                return rng.choice(PRAISE_TWO).format(name=_called(person, rng), other=_called(other, rng)), ""
            if ambiguous and rng.random() < 0.05:
                return rng.choice(AMBIGUOUS).format(name=rng.choice(ambiguous)), ""
            return rng.choice(PRAISE_NAMED).format(name=_called(person, rng)), ""
        if staff and roll < 0.55:
            # Named only in "Who helped you today?"
            return rng.choice(PRAISE_PLAIN), _called(rng.choice(staff), rng)
        if roll < 0.8:
            return rng.choice(PRAISE_PLAIN), ""
        return "", ""
    if satisfaction < -0.45:
        return (rng.choice(COMPLAINTS[department]) if rng.random() < 0.75 else ""), ""
    return rng.choice(NEUTRAL) if rng.random() < 0.5 else "", ""
