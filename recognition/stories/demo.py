"""Demo data for hero stories: a year of stories of both kinds, praise to find, approvals waiting.

Works with or without the feedback demo step: it adds a few praise items of its own (external ids
`demo-praise-…`) so the demo manager's inbox always has something, and routes whatever positive
feedback exists through the same code as new feedback.
"""
from __future__ import annotations

import random
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.sentiment import is_positive
from recognition.praise.routing import route_existing
from recognition.stories.approvals import nominate
from recognition.praise.models import PraiseMatch
from recognition.stories.models import Clap, CompanyValue, HeroStory

PROACTIVE = [
    "{first} noticed a customer struggling with three bags and a toddler, carried everything to the car and came back with a sticker for the little one.",
    "A regular mentioned their daughter's exam; the next week {first} remembered and asked how it went. The customer told us it made their month.",
    "{first} spotted that a customer was about to buy the wrong adapter for their trip, explained why, and found the right one before they asked.",
    "{first} stayed on the line to walk an elderly customer through setting up their new phone, step by step, until the first photo of her grandson came through.",
    "Without being asked, {first} rearranged the delivery so a customer recovering from surgery would not have to climb the stairs.",
    "{first} learned a few words of Portuguese for a family who visit every month. They now ask for {first} by name.",
    "{first} wrote a little hand-written card for a customer who said the gift was for a friend in hospital.",
    "A customer called to ask a simple question; {first} noticed their warranty was about to run out and extended it for them.",
    "{first} made a quick guide for the new self-checkout and now hands it to every customer who looks unsure. Queues are down.",
    "When the rain started, {first} walked a customer to the bus stop under the shop's umbrella.",
    "{first} noticed a customer's hearing aid and moved the conversation somewhere quieter without a word.",
    "A nervous first-time buyer left with a plan, a printed checklist from {first}, and a smile.",
    "{first} greeted a regular by name, remembered their usual order and had it ready before they reached the till.",
]
RECOVERY = [
    "The order arrived in the wrong colour the day before the wedding. {first} drove the right one over after closing time.",
    "A customer had been passed between three teams about a double charge. {first} owned it, fixed the refund in one call and rang back to check it had landed.",
    "Despite a system outage, {first} kept the queue moving with pen and paper and a smile, and nobody left without what they came for.",
    "After a mix-up with the installation date, {first} rearranged the whole route so the customer had hot water that evening.",
    "A parcel went missing before a birthday; {first} found a replacement in another store and had it couriered the same day.",
    "The repair failed a second time. {first} apologised, replaced the unit on the spot and followed up a week later.",
    "A customer's booking had vanished from the system. {first} rebuilt it from their e-mails and gave them the best slot of the day.",
    "The wrong fridge was delivered. {first} stayed on the phone with the warehouse until the right one was on a van.",
]
QUOTES_PROACTIVE = [
    "{name} was wonderful, so patient and kind. She remembered my name from last time!",
    "Huge thanks to {name} who went out of her way to help my husband Tom find the right size. Call me on 07700 900123 if you want to hear more!",
    "{name}'s advice saved me from buying the wrong thing. Brilliant service, will be back.",
    "Please tell {name} she made my day. My mother Margaret could not stop talking about her.",
]
QUOTES_RECOVERY = [
    "Despite the mix-up with my order, {name} sorted it out in ten minutes and even called me back. Fantastic.",
    "My delivery was late but {name} fixed everything and kept me posted. Write to me at jane.doe@example.com if needed.",
]


def _people(team: Team) -> list[User]:
    return [u for u in team.members if u.active and u.role == "staff"]


def _add_feedback(rng: random.Random, n: int, team: Team, person: User, when, recovery: bool,
                  consent: bool) -> Feedback:
    template = rng.choice(QUOTES_RECOVERY if recovery else QUOTES_PROACTIVE)
    name = person.first_name if rng.random() < 0.7 else person.name
    comment = template.format(name=name)
    metric = team.form_metric or "csat"
    score = {"csat": 5, "nps": 10, "ces": 7}[metric]
    feedback = Feedback(external_id=f"demo-praise-{n}", team=team, metric=metric, score=score, comment=comment,
                        helper_name="", received_at=when, channel="form", consent=consent,
                        positive=is_positive(metric, score, comment), created_at=when)
    db.session.add(feedback)
    db.session.flush()
    return feedback


def _story(nominator, heroes, kind, text, values, when, *, state="approved", feedback=None,
           decider=None, reason=None) -> HeroStory:
    story = HeroStory(nominator=nominator, text=text, kind=kind, state=state, feedback=feedback,
                      created_at=when - timedelta(days=1), approver=decider)
    story.heroes = list(heroes)
    story.values = list(values)
    if state != "pending":
        story.decided_by, story.decided_at = decider, when
    if state == "approved":
        story.approved_at = when
    if state == "declined":
        story.decline_reason = reason
    db.session.add(story)
    return story


def load_stories(rng: random.Random) -> None:
    now = utcnow()
    values = db.session.scalars(db.select(CompanyValue).order_by(CompanyValue.position)).all()
    teams = [t for t in db.session.scalars(db.select(Team).where(Team.parent_id.is_not(None)).order_by(Team.slug))
             if _people(t)]
    if not teams or not values:
        return
    everyone = db.session.scalars(db.select(User).where(User.active.is_(True))).all()
    downtown = next((t for t in teams if t.slug == "store-downtown"), teams[0])
    staff_downtown = _people(downtown)
    maya = downtown.managers[0] if downtown.managers else None

    # One person in the downtown store prefers to be recognised privately.
    private_person = staff_downtown[-1] if len(staff_downtown) > 3 else None
    if private_person is not None:
        private_person.private_recognition = True

    # Praise of our own, so the inbox has something whatever the feedback step did.
    n = 0
    praised: list[tuple[Feedback, User, bool]] = []
    for team in teams:
        people = _people(team)
        for _ in range(3 if team is downtown else 1):
            n += 1
            person = rng.choice(people)
            recovery = rng.random() < 0.3
            when = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 10))
            praised.append((_add_feedback(rng, n, team, person, when, recovery, rng.random() < 0.6), person,
                            recovery))
    db.session.flush()
    # Routing runs through the same code as new feedback (the feedback step's items included).
    route_existing(notify_since=now - timedelta(days=7))
    db.session.flush()

    # A year of approved stories across teams; Escalations leans heavily on recoveries.
    for team in teams:
        people = _people(team)
        manager = team.managers[0] if team.managers else None
        count = rng.randint(2, 5) if team is not downtown else 6
        recovery_share = 0.75 if team.slug == "care-escalations" else 0.3
        for _ in range(count):
            hero = rng.choice([p for p in people if p is not private_person] or people)
            heroes = [hero]
            if rng.random() < 0.2 and len(people) > 2:
                heroes.append(rng.choice([p for p in people if p is not hero and p is not private_person]))
            kind = "recovery" if rng.random() < recovery_share else "proactive"
            text = rng.choice(RECOVERY if kind == "recovery" else PROACTIVE).format(first=hero.first_name)
            # Recent months are busier: most stories fall inside the 90-day balance window.
            when = now - timedelta(days=int(rng.triangular(2, 360, 12)), hours=rng.randint(0, 8))
            nominator = rng.choice([p for p in everyone if p not in heroes])
            _story(nominator, heroes, kind, text, rng.sample(values, rng.randint(1, 2)), when,
                   decider=manager or nominator)

    # Some customer praise was celebrated (evidence on the wall, quoted where the customer agreed).
    for feedback, person, recovery in praised[::3]:
        match = db.session.scalar(db.select(PraiseMatch).where(PraiseMatch.feedback_id == feedback.id,
                                                               PraiseMatch.user_id == person.id))
        if match is None or person is private_person:
            continue
        manager = person.managers()[0] if person.managers() else None
        text = rng.choice(RECOVERY if recovery else PROACTIVE).format(first=person.first_name)
        _story(manager, [person], "recovery" if recovery else "proactive", text,
               rng.sample(values, 1), min(now - timedelta(hours=1), feedback.received_at + timedelta(days=2)),
               feedback=feedback, decider=manager)

    if maya is not None and len(staff_downtown) >= 4:
        sam = next((p for p in staff_downtown if p.email.startswith("staff@")), staff_downtown[0])
        others = [p for p in staff_downtown if p is not sam and p is not private_person]
        # A private story: seen by the hero and their manager, never the wall.
        if private_person is not None:
            _story(maya, [private_person], "proactive",
                   PROACTIVE[3].format(first=private_person.first_name), values[:1],
                   now - timedelta(days=12), decider=maya)
        # Pending nominations waiting for the demo manager, one of them for more than 3 working days.
        for age, hero, kind in ((6, others[0], "recovery"), (1, others[1], "proactive")):
            story = nominate(sam, [hero.id], rng.choice(RECOVERY if kind == "recovery" else PROACTIVE)
                                      .format(first=hero.first_name), kind, [values[0].id, values[2].id])
            story.created_at = now - timedelta(days=age, hours=2)
        peer = next((p for t in teams if t is not downtown for p in _people(t)), None)
        if peer is not None:
            story = nominate(peer, [others[2].id, sam.id], PROACTIVE[8].format(first=others[2].first_name),
                                      "proactive", [values[4].id])
            story.created_at = now - timedelta(hours=5)
        # Declined ones, with the reason the nominator read.
        _story(sam, [others[0]], "proactive", "Always on time for the morning shift.", values[3:4],
               now - timedelta(days=40), state="declined", decider=maya,
               reason="Being on time is the job; tell me about a moment with a customer and I will gladly approve it.")
    other_team = next((t for t in teams if t is not downtown and t.managers), None)
    if other_team is not None:
        people = _people(other_team)
        _story(people[0], [people[1]], "recovery", "Fixed the printer again.", values[1:2],
               now - timedelta(days=75), state="declined", decider=other_team.managers[0],
               reason="Thank you! Let's keep hero stories for moments customers noticed.")

    # Claps: colleagues applaud, more for recent stories.
    db.session.flush()
    for story in db.session.scalars(db.select(HeroStory).where(HeroStory.state == "approved")):
        fans = rng.sample(everyone, min(len(everyone), rng.randint(0, 14)))
        for fan in fans:
            if fan not in story.heroes:
                db.session.add(Clap(story=story, user=fan, source=rng.choice(["web", "web", "slack"]),
                                    created_at=story.approved_at + timedelta(hours=rng.randint(1, 72))))
    db.session.flush()
