"""Nominating, editing and deciding hero stories, and reminding approvers who wait too long.

Plain values in, domain objects out; a refused request raises `StoryError` and changes nothing.
Callers commit. A manager nominating only their own people approves at once; otherwise the story
waits for `approver_for(story)`, who is asked (must act) and reminded once after 3 working days.
A decision tells the nominator; an approval celebrates the story and sends `story_approved`.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import User
from flashpoint.permissions import can, manages_person
from flashpoint.timeutil import utcnow
from recognition import signals
from recognition.feedback.models import Feedback
from recognition.stories.approvers import approver_for, approvers_for_heroes, may_decide, may_edit
from recognition.stories.celebration import celebrate
from recognition.stories.errors import TAG_RE, StoryError
from recognition.stories.models import KINDS, REASON_MAX, STORY_MAX, CompanyValue, HeroStory

MAX_HEROES = 20
REMIND_AFTER_WORKING_DAYS = 3


def decision_words(story: HeroStory, name_of=lambda person: person.name) -> str:
    """"approved by Ana" / "declined by Ana": how a decided story names its outcome, on the web, in
    refusals and in Slack (which passes a mention as `name_of`)."""
    who = name_of(story.decided_by) if story.decided_by else "someone"
    return f"{story.state} by {who}"


def _already_decided(story: HeroStory) -> StoryError:
    return StoryError({"story": f"Already {decision_words(story)}."})


def _clean_heroes(nominator: User, hero_ids, errors: dict) -> list[User]:
    try:
        ids = list(dict.fromkeys(int(i) for i in (hero_ids or [])))
    except (TypeError, ValueError):
        errors["heroes"] = "Choose the heroes from the list."
        return []
    if not ids:
        errors["heroes"] = "Choose at least one hero."
        return []
    if len(ids) > MAX_HEROES:
        errors["heroes"] = f"A story has at most {MAX_HEROES} heroes."
        return []
    if nominator is not None and nominator.id in ids:
        errors["heroes"] = "You cannot nominate yourself: ask a colleague to tell your story."
        return []
    heroes = db.session.scalars(db.select(User).where(User.id.in_(ids))).all()
    by_id = {h.id: h for h in heroes}
    missing = [i for i in ids if i not in by_id]
    inactive = [by_id[i].name for i in ids if i in by_id and not by_id[i].active]
    if missing:
        errors["heroes"] = "One of the heroes is not someone we know."
    elif inactive:
        errors["heroes"] = f"{', '.join(inactive)} no longer works here."
    return [by_id[i] for i in ids if i in by_id]


def _clean_text(text, errors: dict) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        errors["text"] = "Tell the story: what happened, and why it mattered."
    elif len(text) > STORY_MAX:
        errors["text"] = f"A story is at most {STORY_MAX:,} characters (this one has {len(text):,})."
    elif TAG_RE.search(text):
        errors["text"] = "Please write the story as plain text: HTML tags such as <script> are not allowed."
    return text


def _clean_kind(kind, errors: dict) -> str:
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        errors["kind"] = "Choose whether it was proactive delight or a recovery."
    return kind


def _clean_values(value_ids, errors: dict) -> list[CompanyValue]:
    try:
        ids = list(dict.fromkeys(int(i) for i in (value_ids or [])))
    except (TypeError, ValueError):
        errors["values"] = "Choose the values from the list."
        return []
    if not ids:
        return []  # values are optional: a story need not be filed under one to be celebrated
    values = db.session.scalars(db.select(CompanyValue).where(
        CompanyValue.id.in_(ids), CompanyValue.active.is_(True))).all()
    if len(values) != len(ids):
        errors["values"] = "One of the values is no longer offered; choose again."
    return sorted(values, key=lambda v: (v.position, v.name))


def _clean_feedback(nominator: User, feedback_id, errors: dict) -> Feedback | None:
    if feedback_id in (None, "", 0, "0"):
        return None
    try:
        feedback = db.session.get(Feedback, int(feedback_id))
    except (TypeError, ValueError):
        feedback = None
    if feedback is None or not can(nominator, "view_praise", feedback):
        errors["feedback"] = "That customer feedback cannot be used as evidence here."
        return None
    return feedback


def nominate(nominator: User, hero_ids: list[int], text: str, kind: str, value_ids: list[int],
             feedback_id: int | None = None) -> HeroStory:
    """Nominate heroes. Approved at once when a manager nominates only their own people."""
    errors: dict[str, str] = {}
    if nominator is None or not nominator.active:
        raise StoryError({"story": "Sign in to nominate a hero."})
    heroes = _clean_heroes(nominator, hero_ids, errors)
    text = _clean_text(text, errors)
    kind = _clean_kind(kind, errors)
    values = _clean_values(value_ids, errors)
    feedback = _clean_feedback(nominator, feedback_id, errors)
    if errors:
        raise StoryError(errors)
    story = HeroStory(nominator=nominator, text=text, kind=kind, state="pending", feedback=feedback,
                      created_at=utcnow())
    story.heroes = heroes
    story.values = values
    db.session.add(story)
    if all(manages_person(nominator, hero) for hero in heroes):
        db.session.flush()
        _approve(story, nominator)
        return story
    approvers = approvers_for_heroes(heroes, nominator)
    story.approver = approvers[0] if approvers else None
    db.session.flush()
    if story.approver is not None:
        _request_approval(story, story.approver)
    return story


def _request_approval(story: HeroStory, approver: User) -> None:
    nominator = story.nominator.name if story.nominator else "Someone"
    text = varied("story.approval_request", approver, [
        "{nominator} nominated {heroes} for a hero story. It waits for your approval.",
        "A hero story about {heroes}, from {nominator}, needs your decision.",
        "{nominator} has a hero story about {heroes} for you to approve, edit or decline.",
    ], nominator=nominator, heroes=story.hero_names)
    record_notification(
        "story.approval_request", f"Hero story to approve: {story.hero_names}"[:200], text,
        recipient=approver, link=f"/heroes/{story.id}", quote=story.text,
        dedupe_key=f"story.approval_request:{story.id}:{approver.id}",
        extra={"story_id": story.id},
    )


def _refuse_unless_may_decide(story: HeroStory, user: User) -> None:
    if not story.is_pending:
        raise _already_decided(story)
    if not may_decide(story, user):
        approver = approver_for(story)
        where = f" It is {approver.name}'s to decide." if approver else ""
        raise StoryError({"story": "You may not decide on this story." + where})


def _claim_decision(story: HeroStory, state: str, decider: User, now: datetime) -> None:
    """Move pending → state with a conditional UPDATE, so two deciders at once cannot both win."""
    db.session.flush()
    result = db.session.execute(
        update(HeroStory).where(HeroStory.id == story.id, HeroStory.state == "pending")
        .values(state=state, decided_by_id=decider.id, decided_at=now,
                approved_at=now if state == "approved" else None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(story)
        raise _already_decided(story)
    db.session.refresh(story)


def approve(story: HeroStory, approver: User) -> HeroStory:
    _refuse_unless_may_decide(story, approver)
    _approve(story, approver)
    return story


def _approve(story: HeroStory, decider: User) -> None:
    now = utcnow()
    _claim_decision(story, "approved", decider, now)
    if story.nominator is not None and story.nominator.id != decider.id:
        _tell_nominator(story, "approved", decider)
    celebrate(story)
    signals.story_approved.send(current_app._get_current_object(), story=story)


def decline(story: HeroStory, approver: User, reason: str) -> HeroStory:
    _refuse_unless_may_decide(story, approver)
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise StoryError({"reason": "Say why, so the nominator understands."})
    if len(reason) > REASON_MAX:
        raise StoryError({"reason": f"The reason is at most {REASON_MAX:,} characters."})
    if TAG_RE.search(reason):
        raise StoryError({"reason": "Please write the reason as plain text: HTML tags are not allowed."})
    _claim_decision(story, "declined", approver, utcnow())
    story.decline_reason = reason
    if story.nominator is not None and story.nominator.id != approver.id:
        _tell_nominator(story, "declined", approver)
    return story


def edit(story: HeroStory, editor: User, *, text: str | None = None, kind: str | None = None,
         value_ids: list[int] | None = None, hero_ids: list[int] | None = None) -> HeroStory:
    """Change a pending story (its approver, or its nominator). The same rules as nominating."""
    if not story.is_pending:
        raise _already_decided(story)
    if not may_edit(story, editor):
        raise StoryError({"story": "Only the approver or the nominator can edit this story."})
    errors: dict[str, str] = {}
    new_text = _clean_text(text, errors) if text is not None else story.text
    new_kind = _clean_kind(kind, errors) if kind is not None else story.kind
    new_values = _clean_values(value_ids, errors) if value_ids is not None else list(story.values)
    new_heroes = _clean_heroes(story.nominator, hero_ids, errors) if hero_ids is not None else list(story.heroes)
    if errors:
        raise StoryError(errors)
    story.text, story.kind = new_text, new_kind
    story.values = new_values
    story.heroes = new_heroes
    story.updated_at = utcnow()
    db.session.flush()
    # New heroes can mean a new approver: ask them.
    approver = approver_for(story)
    if approver is not None and (story.approver is None or approver.id != story.approver.id):
        story.approver = approver
        _request_approval(story, approver)
    return story


def _tell_nominator(story: HeroStory, outcome: str, decider: User) -> None:
    if outcome == "approved":
        text = varied("story.decided", story.nominator, [
            "Your hero story about {heroes} was approved by {decider}. Thank you for noticing!",
            "{decider} approved your story about {heroes}: it is being celebrated.",
        ], heroes=story.hero_names, decider=decider.name)
    else:
        text = (f"{decider.name} declined your hero story about {story.hero_names}. "
                f"Their reason: {story.decline_reason}")
    record_notification(
        "story.decided", f"Your hero story was {outcome}", text, recipient=story.nominator,
        link=f"/heroes/{story.id}", dedupe_key=f"story.decided:{story.id}",
        extra={"story_id": story.id, "outcome": outcome, "decided_by_id": decider.id},
    )



def add_working_days(start: datetime, days: int) -> datetime:
    """`days` weekdays after `start`, at the same time of day (Saturday and Sunday skipped)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def remind_waiting(now: datetime) -> int:
    """Remind an approver once about a nomination waiting more than 3 working days."""
    # Anything created less than 3 calendar days ago cannot be 3 working days old yet.
    candidates = db.session.scalars(db.select(HeroStory).where(
        HeroStory.state == "pending", HeroStory.reminded_at.is_(None),
        HeroStory.created_at <= now - timedelta(days=REMIND_AFTER_WORKING_DAYS))).all()
    sent = 0
    for story in candidates:
        if add_working_days(story.created_at, REMIND_AFTER_WORKING_DAYS) > now:
            continue
        approver = approver_for(story)
        story.reminded_at = now
        if approver is None:
            continue
        text = varied("story.approval_reminder", approver, [
            "{heroes}'s hero story from {nominator} has waited {days} days for your decision.",
            "A gentle nudge: the story about {heroes} is still waiting for you ({days} days).",
        ], heroes=story.hero_names, nominator=story.nominator.name if story.nominator else "a colleague",
            days=(now - story.created_at).days)
        note = record_notification(
            "story.approval_reminder", f"Still waiting: hero story about {story.hero_names}"[:200], text,
            recipient=approver, link=f"/heroes/{story.id}",
            dedupe_key=f"story.approval_reminder:{story.id}", extra={"story_id": story.id},
        )
        if note is not None:
            sent += 1
    return sent
