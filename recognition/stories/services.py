"""Hero stories and praise: the only code that changes them, called by the web, Slack, CLI and duties.

Plain values in, domain objects out. A refused request raises `StoryError` whose `errors` maps a
field to a message people can read ("heroes", "text", "kind", "values", "feedback", "reason",
"story" for the story as a whole); nothing is changed then. Callers commit.

Stable API (the Slack app relies on these names and signatures):

    class StoryError(ValueError): errors: dict[str, str]

    nominate(nominator: User, hero_ids: list[int], text: str, kind: str, value_ids: list[int],
             feedback_id: int | None = None) -> HeroStory
        kind "proactive" | "recovery"; no self-nomination; heroes active; text 1..3,000 characters,
        no HTML tags; 1+ active values. A manager nominating only their own people: approved at
        once. Otherwise pending, and `story.approval_request` (must act, extra {"story_id"}) is
        recorded for approver_for(story).
    approve(story: HeroStory, approver: User) -> HeroStory
    decline(story: HeroStory, approver: User, reason: str) -> HeroStory
    edit(story: HeroStory, editor: User, *, text=None, kind=None, value_ids=None, hero_ids=None) -> HeroStory
        Each refuses when the story is no longer pending ("Already approved by X.") or the
        person may not decide (errors["story"]). A decision records `story.decided` for the
        nominator (extra {"story_id", "outcome", "decided_by_id"}); an approval also records
        `story.celebration` for the channel SLACK_HEROES_CHANNEL (or, when a hero is private,
        for the heroes' managers only), `story.hero_note` for each hero (with the customer's
        redacted words when there is evidence), and sends `recognition.signals.story_approved`.
    may_decide(story, user) -> bool                     # may approve / decline now
    may_edit(story, user) -> bool                       # the approver or the nominator, while pending
    approver_for(story: HeroStory) -> User | None      # the one asked to decide
    approvers_for(story: HeroStory) -> list[User]      # everyone allowed to decide
    pending_for(user: User) -> list[HeroStory]         # stories waiting for this approver
    clap(story: HeroStory, user: User, source: str = "web") -> Clap      # once per person
    unclap(story: HeroStory, user: User) -> bool
    clap_count(story: HeroStory) -> int
    public_quote(story: HeroStory) -> str | None       # the customer's words for wall/channel
    hero_quote(story: HeroStory) -> str | None         # the words the heroes read (contacts redacted)
    active_values() -> list[CompanyValue]              # seeds the defaults when the list is empty
    praise_for_manager(user: User, include_dismissed: bool = False, limit=200, named_only=True) -> list[PraiseItem]
    praise_about(user: User) -> list[PraiseItem]
    praise_items(feedbacks: list[Feedback], viewer: User | None = None) -> list[PraiseItem]
        PraiseItem: feedback, named (users), candidates (PraiseMatch), words (contacts redacted),
        suggested_kind, dismissed, stories, celebrated
    stories_about(user: User) -> list[HeroStory]        # approved stories with this hero
    confirm_candidate(feedback_id: int, user_id: int, manager: User) -> PraiseMatch
    dismiss_praise(feedback_id: int, manager: User) / undismiss_praise(feedback_id: int, manager: User)
    unsung_heroes(viewer: User) -> UnsungHeroes         # .praised, .unrecognised
    balance(team_ids: list[int], days: int = 90) -> list[TeamBalance]
    route_feedback(feedback) / route_existing()          # praise routing (recognition.stories.praise)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from flashpoint.outbox.services import must_act, record_notification, varied
from flashpoint.people.models import Team, User
from flashpoint.permissions import can, is_hr, manages_person
from flashpoint.timeutil import utcnow
from recognition import signals
from recognition.feedback.models import Feedback
from recognition.redaction import redact_contacts, redact_public, tokens_of_names
from recognition.stories.models import (CLAP_SOURCES, KIND_LABELS, KINDS, REASON_MAX, STORY_MAX, Clap,
                                        CompanyValue, HeroStory, PraiseDismissal, PraiseMatch, story_heroes)
from recognition.stories.praise import route_existing, route_feedback, suggested_kind  # noqa: F401

must_act("story.approval_request")
must_act("story.approval_reminder")

MAX_HEROES = 20
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
DEFAULT_VALUES = [
    ("Customer first", "We start from what the customer needs."),
    ("Own it", "We take a problem as ours and see it through."),
    ("Go the extra mile", "Small surprises that make someone's day."),
    ("Team spirit", "We help each other shine."),
    ("Keep it simple", "We make things easy for customers and colleagues."),
]
REMIND_AFTER_WORKING_DAYS = 3


class StoryError(ValueError):
    """A request about a story that cannot be carried out; `errors` says why, field by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


# --- Company values -------------------------------------------------------------------------

def ensure_default_values() -> None:
    if db.session.scalar(db.select(CompanyValue.id).limit(1)) is None:
        for position, (name, description) in enumerate(DEFAULT_VALUES):
            db.session.add(CompanyValue(name=name, description=description, position=position))
        db.session.flush()


def active_values() -> list[CompanyValue]:
    ensure_default_values()
    return list(db.session.scalars(
        db.select(CompanyValue).where(CompanyValue.active.is_(True))
        .order_by(CompanyValue.position, CompanyValue.name)))


def all_values() -> list[CompanyValue]:
    ensure_default_values()
    return list(db.session.scalars(db.select(CompanyValue).order_by(CompanyValue.position, CompanyValue.name)))


def _clean_value_fields(name: str, description: str, existing: CompanyValue | None) -> tuple[str, str]:
    errors = {}
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        errors["name"] = "A value needs a name."
    elif len(name) > 80:
        errors["name"] = "A value's name is at most 80 characters."
    elif TAG_RE.search(name) or TAG_RE.search(description):
        errors["name"] = "Please use plain text: HTML tags are not allowed."
    else:
        other = db.session.scalar(db.select(CompanyValue).where(func.lower(CompanyValue.name) == name.lower()))
        if other is not None and (existing is None or other.id != existing.id):
            errors["name"] = f"There is already a value called “{other.name}”."
    if len(description) > 300:
        errors["description"] = "The description is at most 300 characters."
    if errors:
        raise StoryError(errors)
    return name, description


def add_value(name: str, description: str = "") -> CompanyValue:
    ensure_default_values()
    name, description = _clean_value_fields(name, description, None)
    position = (db.session.scalar(db.select(func.max(CompanyValue.position))) or 0) + 1
    value = CompanyValue(name=name, description=description, position=position)
    db.session.add(value)
    db.session.flush()
    return value


def update_value(value: CompanyValue, name: str, description: str, active: bool) -> CompanyValue:
    name, description = _clean_value_fields(name, description, value)
    if not active and value.active:
        others = db.session.scalar(db.select(func.count(CompanyValue.id)).where(
            CompanyValue.active.is_(True), CompanyValue.id != value.id))
        if not others:
            raise StoryError({"active": "Keep at least one value: every story shows one."})
    value.name, value.description, value.active = name, description, active
    return value


# --- Approvers (INTERFACE "Approvers") ------------------------------------------------------

def _unique(items):
    seen, out = set(), []
    for item in items:
        if item is not None and item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def approvers_for_heroes(heroes: list[User], nominator: User | None) -> list[User]:
    """A manager of a hero's team who is not a hero, else a manager of the parent team, else HR.

    The nominator never decides their own nomination: they are passed over like a hero.
    """
    excluded = {h.id for h in heroes} | ({nominator.id} if nominator is not None else set())
    level = _unique(h.team for h in heroes)
    while level:
        found = [m for team in level for m in team.managers if m.active and m.id not in excluded]
        if found:
            return sorted(_unique(found), key=lambda u: (u.name, u.id))
        level = _unique(team.parent for team in level)
    for role in ("hr", "admin"):
        people = db.session.scalars(db.select(User).where(
            User.role == role, User.active.is_(True)).order_by(User.name, User.id)).all()
        people = [p for p in people if p.id not in excluded]
        if people:
            return people
    return []


def approvers_for(story: HeroStory) -> list[User]:
    return approvers_for_heroes(list(story.heroes), story.nominator)


def approver_for(story: HeroStory) -> User | None:
    """The person asked to decide: the stored one while still allowed, else the first allowed."""
    allowed = approvers_for(story)
    if story.approver is not None and story.approver in allowed:
        return story.approver
    return allowed[0] if allowed else None


def may_decide(story: HeroStory, user: User) -> bool:
    return story.is_pending and user is not None and user.active and user in approvers_for(story)


def pending_for(user: User) -> list[HeroStory]:
    """Stories waiting for this person's decision, oldest first."""
    pending = db.session.scalars(db.select(HeroStory).where(HeroStory.state == "pending")
                                 .order_by(HeroStory.created_at, HeroStory.id)).all()
    return [story for story in pending if user in approvers_for(story)]


# --- Nominating and deciding ----------------------------------------------------------------

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
        errors["values"] = "Choose at least one value the story shows."
        return []
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
        who = story.decided_by.name if story.decided_by else "someone"
        raise StoryError({"story": f"Already {story.state} by {who}."})
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
        who = story.decided_by.name if story.decided_by else "someone"
        raise StoryError({"story": f"Already {story.state} by {who}."})
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
    _celebrate(story)
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


def may_edit(story: HeroStory, user: User) -> bool:
    return story.is_pending and user is not None and (
        may_decide(story, user) or (story.nominator_id is not None and story.nominator_id == user.id))


def edit(story: HeroStory, editor: User, *, text: str | None = None, kind: str | None = None,
         value_ids: list[int] | None = None, hero_ids: list[int] | None = None) -> HeroStory:
    """Change a pending story (its approver, or its nominator). The same rules as nominating."""
    if not story.is_pending:
        who = story.decided_by.name if story.decided_by else "someone"
        raise StoryError({"story": f"Already {story.state} by {who}."})
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


def _celebrate(story: HeroStory) -> None:
    heroes = list(story.heroes)
    values = ", ".join(v.name for v in story.values)
    extra = {"story_id": story.id, "hero_ids": [h.id for h in heroes], "kind": story.kind,
             "values": [v.name for v in story.values]}
    summary = f"{story.hero_names} · {story.kind_label}" + (f" · {values}" if values else "")
    if not story.is_private:
        record_notification(
            "story.celebration", f"Hero story: {story.hero_names}"[:200], f"{summary}\n\n{story.text}",
            channel=current_app.config.get("SLACK_HEROES_CHANNEL") or "#heroes",
            link=f"/heroes/{story.id}", quote=public_quote(story),
            dedupe_key=f"story.celebration:{story.id}", extra=extra,
        )
    else:
        # Private recognition: the heroes (below) and their managers hear, nobody else.
        managers = _unique(m for hero in heroes for m in hero.managers() if m.id not in extra["hero_ids"])
        for manager in managers:
            record_notification(
                "story.celebration", f"Hero story (private): {story.hero_names}"[:200],
                f"{summary}\n\n{story.text}\n\n(Recognised privately, at the hero's wish.)",
                recipient=manager, link=f"/heroes/{story.id}", quote=hero_quote(story),
                dedupe_key=f"story.celebration:{story.id}:{manager.id}", extra={**extra, "private": True},
            )
    for hero in heroes:
        text = varied("story.hero_note", hero, [
            "You are a hero! {nominator} told your story and it has been approved.",
            "Your colleagues noticed: {nominator}'s hero story about you is live.",
            "A hero story about you has just been celebrated. Thank you!",
        ], nominator=story.nominator.name if story.nominator else "A colleague")
        record_notification(
            "story.hero_note", "A hero story about you", f"{text}\n\n{story.text}", recipient=hero,
            link=f"/heroes/{story.id}", quote=hero_quote(story),
            dedupe_key=f"story.hero_note:{story.id}:{hero.id}", extra={**extra, "private": story.is_private},
        )


# --- Quoting customers (INTERFACE "Quoting customers") -------------------------------------

def hero_quote(story: HeroStory) -> str | None:
    """The evidence as the heroes and their managers read it: verbatim, contact details redacted."""
    if story.feedback is None or not (story.feedback.comment or "").strip():
        return None
    return redact_contacts(story.feedback.comment)


def public_quote(story: HeroStory) -> str | None:
    """The evidence for the wall and channel: only with consent, customers' names redacted too."""
    feedback = story.feedback
    if feedback is None or not feedback.consent or not (feedback.comment or "").strip():
        return None
    keep = _kept_words(feedback, story)
    return redact_public(feedback.comment, keep)


def _kept_words(feedback: Feedback, story: HeroStory | None = None) -> set[str]:
    """Words that are ours, not the customer's: employees' names, team and value names."""
    people = [m.user for m in db.session.scalars(
        db.select(PraiseMatch).where(PraiseMatch.feedback_id == feedback.id))]
    if story is not None:
        people.extend(story.heroes)
    keep = tokens_of_names([p.name for p in people])
    keep |= tokens_of_names([n for p in people for n in (p.nicknames or "").split(",")])
    team = feedback.team
    while team is not None:
        keep |= tokens_of_names([team.name])
        team = team.parent
    if story is not None:
        keep |= tokens_of_names([v.name for v in story.values])
    keep.add("flashpoint")
    return keep


# --- Claps ----------------------------------------------------------------------------------

def clap(story: HeroStory, user: User, source: str = "web") -> Clap:
    """One clap per person per story; clapping again returns the existing clap."""
    if source not in CLAP_SOURCES:
        raise StoryError({"source": "Claps come from the web or Slack."})
    if story.state != "approved":
        raise StoryError({"story": "Only approved stories can be applauded."})
    if not can(user, "view_story", story):
        raise StoryError({"story": "You cannot see this story."})
    existing = db.session.scalar(db.select(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id))
    if existing is not None:
        return existing
    new = Clap(story_id=story.id, user_id=user.id, source=source)
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError:  # a double click in two workers: the other one won
        existing = db.session.scalar(db.select(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id))
        return existing
    return new


def unclap(story: HeroStory, user: User) -> bool:
    deleted = db.session.execute(
        db.delete(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id)).rowcount
    return bool(deleted)


def clap_count(story: HeroStory) -> int:
    return db.session.scalar(db.select(func.count(Clap.id)).where(Clap.story_id == story.id)) or 0


def clap_counts(story_ids: list[int]) -> dict[int, int]:
    if not story_ids:
        return {}
    rows = db.session.execute(db.select(Clap.story_id, func.count(Clap.id))
                              .where(Clap.story_id.in_(story_ids)).group_by(Clap.story_id)).all()
    return dict(rows)


def clapped_by(user: User, story_ids: list[int]) -> set[int]:
    if not story_ids or user is None:
        return set()
    return set(db.session.scalars(db.select(Clap.story_id).where(
        Clap.user_id == user.id, Clap.story_id.in_(story_ids))))


# --- The wall -------------------------------------------------------------------------------

def _private_story_ids():
    return (db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
            .where(User.private_recognition.is_(True)))


PERIODS = {"30d": 30, "90d": 90, "365d": 365}


def wall_query(*, team_id: int | None = None, value_id: int | None = None, kind: str | None = None,
               period: str | None = None, search: str | None = None, now: datetime | None = None):
    """Approved stories nobody asked to keep private, newest first, filtered."""
    stmt = (db.select(HeroStory).where(HeroStory.state == "approved")
            .where(HeroStory.id.not_in(_private_story_ids())))
    if team_id:
        team = db.session.get(Team, team_id)
        team_ids = [t.id for t in team.subtree()] if team else [team_id]
        stmt = stmt.where(HeroStory.id.in_(
            db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
            .where(User.team_id.in_(team_ids))))
    if value_id:
        from recognition.stories.models import story_values
        stmt = stmt.where(HeroStory.id.in_(
            db.select(story_values.c.story_id).where(story_values.c.value_id == value_id)))
    if kind in KINDS:
        stmt = stmt.where(HeroStory.kind == kind)
    if period in PERIODS:
        stmt = stmt.where(HeroStory.approved_at >= (now or utcnow()) - timedelta(days=PERIODS[period]))
    search = (search or "").strip()
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(or_(
            func.lower(HeroStory.text).like(like),
            HeroStory.id.in_(db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
                             .where(func.lower(User.name).like(like))),
        ))
    return stmt.order_by(HeroStory.approved_at.desc(), HeroStory.id.desc())


def stories_about(user: User) -> list[HeroStory]:
    return list(db.session.scalars(
        db.select(HeroStory).join(story_heroes, story_heroes.c.story_id == HeroStory.id)
        .where(story_heroes.c.user_id == user.id, HeroStory.state == "approved")
        .order_by(HeroStory.approved_at.desc())))


def nominations_by(user: User) -> list[HeroStory]:
    return list(db.session.scalars(db.select(HeroStory).where(HeroStory.nominator_id == user.id)
                                   .order_by(HeroStory.created_at.desc()).limit(50)))


# --- Praise inbox ---------------------------------------------------------------------------

@dataclass
class PraiseItem:
    feedback: Feedback
    named: list[User] = field(default_factory=list)
    candidates: list[PraiseMatch] = field(default_factory=list)
    words: str = ""
    suggested_kind: str = "proactive"
    dismissed: bool = False
    stories: list[HeroStory] = field(default_factory=list)

    @property
    def celebrated(self) -> bool:
        return any(s.state == "approved" for s in self.stories)


def _praise_items(feedbacks: list[Feedback], viewer: User | None = None) -> list[PraiseItem]:
    ids = [f.id for f in feedbacks]
    matches: dict[int, list[PraiseMatch]] = {}
    stories: dict[int, list[HeroStory]] = {}
    dismissed: set[int] = set()
    if ids:
        for match in db.session.scalars(db.select(PraiseMatch).where(PraiseMatch.feedback_id.in_(ids))
                                        .order_by(PraiseMatch.id)):
            matches.setdefault(match.feedback_id, []).append(match)
        for story in db.session.scalars(db.select(HeroStory).where(HeroStory.feedback_id.in_(ids))):
            stories.setdefault(story.feedback_id, []).append(story)
        if viewer is not None:
            dismissed = set(db.session.scalars(db.select(PraiseDismissal.feedback_id).where(
                PraiseDismissal.user_id == viewer.id, PraiseDismissal.feedback_id.in_(ids))))
    items = []
    for feedback in feedbacks:
        found = matches.get(feedback.id, [])
        items.append(PraiseItem(
            feedback=feedback,
            named=[m.user for m in found if m.confirmed],
            candidates=[m for m in found if m.candidate and not m.confirmed],
            words=redact_contacts(feedback.comment),
            suggested_kind=suggested_kind(feedback.comment),
            dismissed=feedback.id in dismissed,
            stories=stories.get(feedback.id, []),
        ))
    return items


def praise_query(user: User, include_dismissed: bool = False, named_only: bool = True):
    """Positive feedback for the teams this person manages (sub-teams included); HR sees all.

    By default only feedback that names someone (confirmed or a candidate); `named_only=False`
    adds the praise that names nobody.
    """
    stmt = db.select(Feedback).where(Feedback.positive.is_(True))
    if named_only:
        stmt = stmt.where(db.select(PraiseMatch.id).where(PraiseMatch.feedback_id == Feedback.id).exists())
    if not is_hr(user):
        stmt = stmt.where(Feedback.team_id.in_(user.managed_team_ids() or {-1}))
    if not include_dismissed:
        stmt = stmt.where(Feedback.id.not_in(
            db.select(PraiseDismissal.feedback_id).where(PraiseDismissal.user_id == user.id)))
    return stmt.order_by(Feedback.received_at.desc(), Feedback.id.desc())


def praise_for_manager(user: User, include_dismissed: bool = False, limit: int = 200,
                       named_only: bool = True) -> list[PraiseItem]:
    feedbacks = db.session.scalars(praise_query(user, include_dismissed, named_only).limit(limit)).all()
    return _praise_items(list(feedbacks), user)


def praise_items(feedbacks: list[Feedback], viewer: User | None = None) -> list[PraiseItem]:
    return _praise_items(list(feedbacks), viewer)


def praise_about(user: User) -> list[PraiseItem]:
    """Positive feedback that names this person (confirmed), newest first."""
    feedbacks = db.session.scalars(
        db.select(Feedback).join(PraiseMatch, PraiseMatch.feedback_id == Feedback.id)
        .where(PraiseMatch.user_id == user.id, PraiseMatch.confirmed.is_(True), Feedback.positive.is_(True))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())).all()
    return _praise_items(list(feedbacks))


def _feedback_for(manager: User, feedback_id) -> Feedback:
    try:
        feedback = db.session.get(Feedback, int(feedback_id))
    except (TypeError, ValueError):
        feedback = None
    if feedback is None or not feedback.positive or not can(manager, "triage_praise", feedback):
        raise StoryError({"feedback": "That feedback is not in your praise inbox."})
    return feedback


def dismiss_praise(feedback_id: int, manager: User) -> PraiseDismissal:
    feedback = _feedback_for(manager, feedback_id)
    existing = db.session.scalar(db.select(PraiseDismissal).where(
        PraiseDismissal.feedback_id == feedback.id, PraiseDismissal.user_id == manager.id))
    if existing is not None:
        return existing
    dismissal = PraiseDismissal(feedback_id=feedback.id, user_id=manager.id)
    db.session.add(dismissal)
    db.session.flush()
    return dismissal


def undismiss_praise(feedback_id: int, manager: User) -> bool:
    feedback = _feedback_for(manager, feedback_id)
    return bool(db.session.execute(db.delete(PraiseDismissal).where(
        PraiseDismissal.feedback_id == feedback.id, PraiseDismissal.user_id == manager.id)).rowcount)


def confirm_candidate(feedback_id: int, user_id: int, manager: User) -> PraiseMatch:
    """A manager says which of the people sharing a name the customer meant; that person is told."""
    feedback = _feedback_for(manager, feedback_id)
    match = db.session.scalar(db.select(PraiseMatch).where(
        PraiseMatch.feedback_id == feedback.id, PraiseMatch.user_id == int(user_id)))
    if match is None:
        raise StoryError({"heroes": "That person is not among the candidates of this feedback."})
    if match.confirmed:
        return match
    match.confirmed, match.candidate, match.confirmed_by_id = True, False, manager.id
    # The other candidates for the same name were not meant.
    for other in db.session.scalars(db.select(PraiseMatch).where(
            PraiseMatch.feedback_id == feedback.id, PraiseMatch.candidate.is_(True),
            PraiseMatch.matched_on == match.matched_on, PraiseMatch.id != match.id)):
        db.session.delete(other)
    from recognition.stories.praise import tell_person
    tell_person(feedback, match.user)
    db.session.flush()
    return match


# --- Balance and unsung heroes --------------------------------------------------------------

@dataclass
class TeamBalance:
    team: Team
    proactive: int
    recovery: int

    @property
    def total(self) -> int:
        return self.proactive + self.recovery

    @property
    def recovery_share(self) -> float:
        return self.recovery / self.total if self.total else 0.0

    @property
    def nudge(self) -> bool:
        """Recoveries are more than half: look for the quiet, proactive delight too."""
        return self.total > 0 and self.recovery * 2 > self.total


def balance(team_ids: list[int], days: int = 90, now: datetime | None = None) -> list[TeamBalance]:
    """Approved stories per team and kind over the last `days` (a story counts once per team)."""
    since = (now or utcnow()) - timedelta(days=days)
    ids = list(team_ids)
    if not ids:
        return []
    rows = db.session.execute(
        db.select(User.team_id, HeroStory.kind, func.count(func.distinct(HeroStory.id)))
        .select_from(HeroStory)
        .join(story_heroes, story_heroes.c.story_id == HeroStory.id)
        .join(User, User.id == story_heroes.c.user_id)
        .where(HeroStory.state == "approved", HeroStory.approved_at >= since, User.team_id.in_(ids))
        .group_by(User.team_id, HeroStory.kind)).all()
    counts: dict[int, dict[str, int]] = {}
    for team_id, kind, n in rows:
        counts.setdefault(team_id, {})[kind] = n
    teams = db.session.scalars(db.select(Team).where(Team.id.in_(ids)).order_by(Team.name)).all()
    return [TeamBalance(t, counts.get(t.id, {}).get("proactive", 0), counts.get(t.id, {}).get("recovery", 0))
            for t in teams]


def scope_team_ids(viewer: User) -> list[int]:
    """Teams whose balance and unsung heroes this person sees: all for HR, their own for managers."""
    if is_hr(viewer):
        return list(db.session.scalars(db.select(Team.id)))
    return sorted(viewer.managed_team_ids())


@dataclass
class UnsungPraised:
    user: User
    praise_count: int
    last_praised_at: datetime


@dataclass
class UnsungHeroes:
    praised: list[UnsungPraised] = field(default_factory=list)   # praised by customers, never celebrated
    unrecognised: list[User] = field(default_factory=list)       # no approved story in the last 90 days


def unsung_heroes(viewer: User, days: int = 90, now: datetime | None = None) -> UnsungHeroes:
    team_ids = scope_team_ids(viewer)
    if not team_ids:
        return UnsungHeroes()
    since = (now or utcnow()) - timedelta(days=days)
    celebrated = (db.select(HeroStory.feedback_id)
                  .join(story_heroes, story_heroes.c.story_id == HeroStory.id)
                  .where(HeroStory.state == "approved", HeroStory.feedback_id.is_not(None),
                         story_heroes.c.user_id == PraiseMatch.user_id))
    rows = db.session.execute(
        db.select(User, func.count(PraiseMatch.id), func.max(Feedback.received_at))
        .join(PraiseMatch, PraiseMatch.user_id == User.id)
        .join(Feedback, Feedback.id == PraiseMatch.feedback_id)
        .where(User.team_id.in_(team_ids), User.active.is_(True), PraiseMatch.confirmed.is_(True),
               Feedback.positive.is_(True), PraiseMatch.feedback_id.not_in(celebrated.scalar_subquery()))
        .group_by(User.id).order_by(func.count(PraiseMatch.id).desc(), User.name)).all()
    praised = [UnsungPraised(user, n, last) for user, n, last in rows]
    recognised = (db.select(story_heroes.c.user_id).join(HeroStory, HeroStory.id == story_heroes.c.story_id)
                  .where(HeroStory.state == "approved", HeroStory.approved_at >= since))
    unrecognised = db.session.scalars(
        db.select(User).where(User.team_id.in_(team_ids), User.active.is_(True), User.id != viewer.id,
                              User.id.not_in(recognised)).order_by(User.name)).all()
    return UnsungHeroes(praised=praised, unrecognised=list(unrecognised))


# --- Reminders (a duty) ---------------------------------------------------------------------

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


__all__ = [
    "StoryError", "nominate", "approve", "decline", "edit", "may_decide", "may_edit", "approver_for",
    "approvers_for", "pending_for", "clap", "unclap", "clap_count", "public_quote", "hero_quote",
    "active_values", "praise_for_manager", "praise_about", "confirm_candidate", "dismiss_praise",
    "undismiss_praise", "unsung_heroes", "balance", "route_feedback", "route_existing", "remind_waiting",
    "KIND_LABELS",
]
