"""Demo ideas and obstacles: every status across teams, some anonymous, with votes, comments,
followers and a history; implemented ones dated so their before/after feedback shows something.

Rows are written directly (not through the services) so the demo does not flood the outbox or
the heroes channel with a year of old news.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert

from engagement.ideas.impact import WINDOW, compare
from engagement.ideas.models import Idea, IdeaComment, IdeaEvent, IdeaFollower, IdeaTag, IdeaVote
from engagement.ideas.owners import default_owner
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.sentiment import is_positive

# (department, kind, title, description, tags)
IDEAS = {
    "stores": [
        ("idea", "Open a second till automatically when the queue passes five people",
         "A simple rule and a buzzer to the stockroom. Saturdays are the worst.", "queues, checkout"),
        ("obstacle", "The stock system shows items in store that are not on the shelves",
         "Customers drive in for something the website promised. We look bad and it is not our fault.", "stock, website"),
        ("idea", "Water bowls and treats for dogs at the entrance",
         "Owners wait outside with their dogs; a small welcome would make them come in.", "welcome"),
        ("idea", "Let staff give a small goodwill voucher without calling a manager",
         "Up to 10, logged in the till. Fixing a bad day on the spot beats an apology e-mail.", "empowerment, recovery"),
        ("obstacle", "Fitting rooms are locked when only one person is on the floor",
         "We need a bell or a second key holder.", "fitting rooms"),
        ("idea", "Reserve-and-collect shelf near the door", "No more walking to the back to collect.", "click and collect"),
        ("idea", "Price labels that match the till: a weekly check", "Mismatches annoy customers every week.", "prices"),
    ],
    "care": [
        ("idea", "Call-back instead of waiting on hold", "Offer a call-back slot after two minutes on hold.", "phone, waiting"),
        ("obstacle", "Customers repeat their problem to every agent",
         "The case notes do not follow the customer between teams.", "handover"),
        ("idea", "Refund status page customers can check themselves", "Half our calls are 'where is my refund?'.", "refunds, self-service"),
        ("idea", "A human button in the chat bot from the first message", "The bot loops and people get angry.", "chat"),
        ("obstacle", "Promised call-backs are not tracked anywhere", "We promise, then forget. A shared list would fix it.", "follow-up"),
        ("idea", "Send a thank-you note after a complaint is resolved", "Closing the loop turns critics into fans.", "recovery"),
    ],
    "field": [
        ("idea", "Text customers when the engineer is 30 minutes away", "Nobody likes waiting in all day.", "arrival, sms"),
        ("obstacle", "Vans are sent out without the right parts", "A second visit for a missing part is the top complaint.", "parts"),
        ("idea", "Take the old appliance away by default", "Customers expect it and it takes ten minutes.", "installation"),
        ("idea", "Shoe covers and a dust sheet in every van", "Small things customers remember.", "care"),
        ("obstacle", "Rescheduled deliveries are not told to customers", "The system changes the slot silently.", "delivery, communication"),
        ("idea", "Photo of the finished installation sent to the customer", "Proof of a tidy job, and a nice touch.", "installation"),
    ],
}

MESSAGES = {
    "under review": ["Good one. Checking with the area manager what it would take.",
                     "Looking at the numbers behind this before we decide.",
                     "Asked facilities for a quote; I will report back within two weeks."],
    "planned": ["Agreed. Planned for next month once the new rota starts.",
                "We will do this; budget approved for next quarter.",
                "Yes. Scheduled with the next store refit."],
    "in progress": ["Started this week in two locations as a trial.",
                    "Parts ordered; the first teams are trained."],
    "implemented": ["Live everywhere now. Thank you for pushing for it!",
                    "Done. Customers noticed within days.",
                    "Rolled out last week; the team says it already saves time at busy hours.",
                    "In place since Monday. This came straight from the floor: keep them coming."],
    "declined": ["Not now: the fire code does not allow it at the entrance. Thanks for raising it.",
                 "We looked hard at this, but the cost is out of reach this year. Please keep ideas coming."],
}
COMMENTS = [
    "Yes please, this happens every single week.",
    "We tried something similar at my last store and it worked.",
    "Could we trial it in one location first?",
    "Customers asked me about this only yesterday.",
    "Happy to help set this up.",
    "Love it. Small change, big difference.",
]
# The workflow's forward path.
PATH = ["new", "under review", "planned", "in progress", "implemented"]


def load_ideas(rng: random.Random) -> None:
    now = utcnow().replace(second=0, microsecond=0)
    people = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.id)).all()
    teams = {t.slug: t for t in db.session.scalars(db.select(Team).order_by(Team.slug))}
    leaves = [t for t in teams.values() if t.parent_id is not None and not t.children]
    if not leaves or not people:
        return
    by_team: dict[int, list[User]] = {}
    for person in people:
        if person.team_id is not None:
            by_team.setdefault(person.team_id, []).append(person)
    # Cycled over the ideas, so every department has ideas in most statuses.
    plan = ["implemented", "under review", "planned", "new", "implemented", "in progress", "declined"]
    created: list[Idea] = []
    n = 0
    for department, entries in IDEAS.items():
        dept_teams = [t for t in leaves if t.parent is not None and t.parent.slug == department] or leaves
        for kind, title, description, tags in entries:
            team = rng.choice(dept_teams)
            status = plan[n % len(plan)]
            n += 1
            members = by_team.get(team.id) or people
            submitter = rng.choice(members)
            idea = _make(rng, team, submitter, kind, title, description, tags, status, now, people)
            created.append(idea)
    _duplicates(rng, created, now, people)
    _for_demo_logins(rng, created, now)
    implemented = [idea for idea in created if idea.status == "implemented"]
    if implemented:
        # The newest one went live three weeks ago: its "after" window is still filling up.
        recent = implemented[-1]
        recent.implemented_at = recent.status_changed_at = recent.updated_at = now - timedelta(days=21)
        for event in recent.events:
            if event.to_status == "implemented":
                event.created_at = recent.implemented_at
        # Half of the others worked: customers noticed (simulated on top of the demo feedback).
        for idea in implemented[:-1:2]:
            _simulated_effect(rng, idea, now)
    db.session.flush()


def _for_demo_logins(rng: random.Random, created: list[Idea], now: datetime) -> None:
    """The demo's staff login has an idea of their own, waiting a little too long on the demo's
    manager login (so both home pages and the owner's reminder have something to show), and has
    voted for and followed a few others."""
    from flashpoint.demo import DEMO_DOMAIN

    staff = db.session.scalar(db.select(User).where(User.email == f"staff@{DEMO_DOMAIN}"))
    if staff is None or staff.team is None:
        return
    posted = now - timedelta(days=31)
    idea = _make(rng, staff.team, staff, "obstacle", "The card reader at till 2 drops contactless payments",
                 "Customers tap three times, then pay cash. It has been like this for a month.",
                 "checkout, payments", "under review", now, [staff])
    idea.anonymous = False
    idea.created_at = posted
    for event in idea.events:
        event.created_at = posted + timedelta(days=3)
    idea.status_changed_at = idea.updated_at = posted + timedelta(days=3)
    db.session.flush()
    voted = set(db.session.scalars(db.select(IdeaVote.idea_id).where(IdeaVote.user_id == staff.id)))
    for other in rng.sample(created, min(4, len(created))):
        if other.status != "duplicate" and other.id not in voted:
            db.session.add(IdeaVote(idea_id=other.id, user_id=staff.id, created_at=now - timedelta(days=5)))
    db.session.flush()


def _simulated_effect(rng: random.Random, idea: Idea, now: datetime) -> None:
    """Extra, happier feedback in the 8 weeks after an implementation, so the impact section of
    the demo has a clear rise to show."""
    metric = idea.team.form_metric or "csat"
    weights = {"csat": ([2, 3, 4, 5], [3, 7, 30, 60]), "nps": ([5, 7, 8, 9, 10], [6, 8, 12, 34, 40]),
               "ces": ([4, 5, 6, 7], [6, 14, 40, 40])}[metric]
    rows = []
    for n in range(45):
        when = idea.implemented_at + timedelta(minutes=rng.randint(60, int(WINDOW.total_seconds() // 60) - 60))
        if when >= now:
            continue
        score = rng.choices(*weights)[0]
        rows.append({"external_id": f"demo-idea-effect-{idea.id}-{n}", "team_id": idea.team_id, "metric": metric,
                     "score": score, "comment": "", "helper_name": "", "received_at": when, "channel": "csv",
                     "consent": False, "positive": is_positive(metric, score, ""), "created_at": when})
    if rows:
        db.session.execute(insert(Feedback), rows)


def _make(rng, team, submitter, kind, title, description, tags, status, now, people) -> Idea:
    owner = default_owner(team, submitter)
    days_ago = {"new": rng.randint(1, 20), "under review": rng.randint(15, 60), "planned": rng.randint(30, 90),
                "in progress": rng.randint(40, 120), "implemented": rng.randint(200, 330),
                "declined": rng.randint(20, 150)}[status]
    created_at = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
    idea = Idea(title=title, description=description, kind=kind, team=team, submitter=submitter,
                anonymous=rng.random() < 0.25, owner=owner, status="new", created_at=created_at,
                updated_at=created_at, status_changed_at=created_at)
    idea.tags = [IdeaTag(name=t.strip()) for t in tags.split(",") if t.strip()]
    db.session.add(idea)
    db.session.flush()
    _crowd(rng, idea, people, created_at, now)
    if status == "declined":
        steps = ["under review", "declined"]
    else:
        steps = PATH[1:PATH.index(status) + 1]
    implemented_at = _best_implementation_date(team, created_at, now) if status == "implemented" else None
    when = created_at
    last = implemented_at or now - timedelta(days=rng.randint(2, 25) if status != "new" else 0)
    for i, step in enumerate(steps):
        # Spread the steps between creation and the last change; the last one lands on `last`.
        when = last if i == len(steps) - 1 else when + (last - when) / (len(steps) - i) * rng.uniform(0.5, 1.0)
        actor = owner or submitter
        db.session.add(IdeaEvent(idea=idea, actor=actor, event="status", from_status=idea.status, to_status=step,
                                 message=rng.choice(MESSAGES[step]), created_at=when))
        idea.status = step
        idea.status_changed_at = idea.updated_at = when
    if status == "implemented":
        idea.implemented_at = implemented_at
        crew = [p for p in people if p.team_id == team.id and p.id != submitter.id]
        idea.implementers = rng.sample(crew, min(len(crew), rng.randint(1, 3))) if crew else []
        if owner is not None and owner not in idea.implementers:
            idea.implementers.append(owner)
    return idea


def _crowd(rng, idea, people, created_at, now) -> None:
    """Votes, followers and a few comments from colleagues, after the idea was posted."""
    span = max(1.0, (now - created_at).total_seconds())
    voters = rng.sample(people, min(len(people), rng.randint(0, 18)))
    for voter in voters:
        db.session.add(IdeaVote(idea_id=idea.id, user_id=voter.id,
                                created_at=created_at + timedelta(seconds=rng.uniform(0, span))))
    for follower in rng.sample(people, min(len(people), rng.randint(0, 5))):
        db.session.add(IdeaFollower(idea_id=idea.id, user_id=follower.id, created_at=created_at))
    for _ in range(rng.randint(0, 3)):
        author = rng.choice(people)
        db.session.add(IdeaComment(idea=idea, author=author, body=rng.choice(COMMENTS),
                                   as_anonymous_author=bool(idea.anonymous and author.id == idea.submitter_id),
                                   created_at=created_at + timedelta(seconds=rng.uniform(0, span))))


def _best_implementation_date(team: Team, created_at: datetime, now: datetime) -> datetime:
    """The implementation date, among plausible ones (after the idea was posted, with full
    8-week windows on both sides), whose before/after feedback shows the clearest rise: the
    demo should show the impact section with something to say."""
    metric = team.form_metric or "csat"
    team_ids = [t.id for t in team.subtree()]
    rows = db.session.execute(db.select(Feedback.received_at, Feedback.score).where(
        Feedback.team_id.in_(team_ids), Feedback.metric == metric)).all()
    earliest = max(created_at + timedelta(days=14), now - timedelta(days=330))
    latest = now - WINDOW - timedelta(days=7)
    best, best_low = None, None
    day = earliest
    while day <= latest:
        before = [s for t, s in rows if day - WINDOW <= t < day]
        after = [s for t, s in rows if day <= t < day + WINDOW]
        result = compare(metric, before, after)
        if result.enough and (best_low is None or result.ci_low > best_low):
            best, best_low = day, result.ci_low
        day += timedelta(days=7)
    return (best or max(created_at + timedelta(days=1), now - timedelta(days=120))).replace(hour=12, minute=0)


def _duplicates(rng, created: list[Idea], now: datetime, people) -> None:
    """Two repeats of existing ideas, merged into them (their votes moved)."""
    repeats = [("Second till when the queue is long", 0), ("A way for customers to track refunds", 9)]
    for title, index in repeats:
        original = created[index % len(created)]
        when = original.created_at + timedelta(days=rng.randint(3, 10))
        if when > now:
            when = now - timedelta(days=1)
        submitter = rng.choice(people)
        dup = Idea(title=title, description="", kind=original.kind, team=original.team, submitter=submitter,
                   anonymous=False, owner=original.owner, status="duplicate", duplicate_of=original,
                   created_at=when, updated_at=when + timedelta(days=1), status_changed_at=when + timedelta(days=1))
        db.session.add(dup)
        db.session.flush()
        db.session.add(IdeaEvent(idea=dup, actor=original.owner, event="status", from_status="new",
                                 to_status="duplicate", duplicate_of_id=original.id,
                                 message="Same as an idea already on the board: votes moved there.",
                                 created_at=when + timedelta(days=1)))
