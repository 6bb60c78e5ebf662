"""Every change to ideas: submit, vote, follow, comment, move through the workflow, reassign, remind.

Plain values in, domain objects out; the caller commits. Errors are `IdeaError` with a message
written for the person who caused them. Notifications go to the outbox; an anonymous submitter
is notified with `anonymous_recipient=True` and named in no text.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from engagement.ideas.models import (COMMENT_MAX, DESCRIPTION_MAX, KINDS, MESSAGE_MAX,
                                     OPEN_STATUSES, STATUSES, TAG_MAX, TAGS_MAX, TITLE_MAX, Idea,
                                     IdeaComment, IdeaEvent, IdeaFollower, IdeaTag, IdeaVote)
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import Team, User
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow

REMINDER_AFTER = timedelta(days=14)


class IdeaError(ValueError):
    """A request that cannot be carried out; the message says why, for the person who asked."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Reading ---------------------------------------------------------------------------------

def vote_count(idea: Idea) -> int:
    return db.session.scalar(db.select(func.count(IdeaVote.id)).where(IdeaVote.idea_id == idea.id)) or 0


def has_voted(idea: Idea, user: User) -> bool:
    return db.session.scalar(db.select(IdeaVote.id).where(
        IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)) is not None


def is_following(idea: Idea, user: User) -> bool:
    return db.session.scalar(db.select(IdeaFollower.id).where(
        IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == user.id)) is not None


# --- Owners ----------------------------------------------------------------------------------

def default_owner(team: Team, submitter: User | None = None) -> User | None:
    """A manager of the team who is not the submitter, else of the nearest parent team, else HR
    (INTERFACE: chosen like story approvers, so nobody is the only judge of their own idea)."""
    current, seen = team, set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        managers = [m for m in current.managers if m.active and (submitter is None or m.id != submitter.id)]
        if managers:
            return managers[0]
        current = current.parent
    others = User.id != submitter.id if submitter is not None else True
    return db.session.scalar(
        db.select(User).where(User.active.is_(True), User.role == "hr", others).order_by(User.name, User.id).limit(1)
    ) or db.session.scalar(
        db.select(User).where(User.active.is_(True), User.role == "admin", others).order_by(User.name, User.id).limit(1)
    )


# --- Submitting ------------------------------------------------------------------------------

_TAG_CLEAN = re.compile(r"[^\w\- ]+", re.UNICODE)


def parse_tags(raw: str | list[str] | None) -> list[str]:
    """"Queues, Checkout,queues" -> ["checkout", "queues"]; each at most TAG_MAX characters."""
    if not raw:
        return []
    parts = raw if isinstance(raw, list) else raw.split(",")
    tags: list[str] = []
    for part in parts:
        tag = " ".join(_TAG_CLEAN.sub("", part).lower().split())
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise IdeaError(f"A tag can be at most {TAG_MAX} characters.", "tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise IdeaError(f"At most {TAGS_MAX} tags, please.", "tags")
    return sorted(tags)


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise IdeaError("Give your idea a title.", "title")
    if len(title) > TITLE_MAX:
        raise IdeaError(f"The title can be at most {TITLE_MAX} characters (it has {len(title)}).", "title")
    return title


def submit_idea(submitter: User, *, title: str, description: str = "", kind: str = "idea",
                team: Team | None, tags: str | list[str] | None = None, anonymous: bool = False) -> Idea:
    """A new idea or obstacle, owned by the manager of its team; the owner is told."""
    title = _clean_title(title)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise IdeaError(f"The description can be at most {DESCRIPTION_MAX:,} characters.", "description")
    if kind not in KINDS:
        raise IdeaError("Choose whether this is an idea or an obstacle.", "kind")
    if team is None:
        raise IdeaError("Choose the team it concerns.", "team")
    tag_names = parse_tags(tags)
    now = utcnow()
    idea = Idea(title=title, description=description, kind=kind, team=team, submitter=submitter,
                anonymous=bool(anonymous), owner=default_owner(team, submitter), status="new",
                created_at=now, updated_at=now, status_changed_at=now)
    idea.tags = [IdeaTag(name=name) for name in tag_names]
    db.session.add(idea)
    db.session.flush()
    if idea.owner is not None and idea.owner.id != submitter.id:
        _tell_owner(idea, idea.owner, new=True)
    return idea


def _tell_owner(idea: Idea, owner: User, *, new: bool) -> None:
    what = "obstacle" if idea.kind == "obstacle" else "idea"
    if new:
        text = varied("idea.assigned", owner, [
            "A new {what} for {team} is yours to look at: \u201c{title}\u201d.",
            "Someone raised an {what} about {team}, and you own it: \u201c{title}\u201d.",
            "{team} has a new {what} waiting for you: \u201c{title}\u201d.",
        ], what=what, team=idea.team.name, title=idea.title)
    else:
        text = f"You now own the {what} \u201c{idea.title}\u201d ({idea.team.name})."
    record_notification("idea.assigned", f"New {what}: {idea.title}", text, recipient=owner,
                        link=f"/ideas/{idea.id}", extra={"idea_id": idea.id})


# --- Votes, followers, comments --------------------------------------------------------------

def vote(idea: Idea, user: User) -> IdeaVote:
    if idea.status == "duplicate":
        raise IdeaError(f"This idea is a duplicate: vote for #{idea.duplicate_of_id} instead.")
    if has_voted(idea, user):
        raise IdeaError("You have already voted for this idea.")
    ballot = IdeaVote(idea_id=idea.id, user_id=user.id)
    # The unique constraint decides when two clicks race; the savepoint keeps the session usable.
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
    except IntegrityError:
        raise IdeaError("You have already voted for this idea.") from None
    return ballot


def unvote(idea: Idea, user: User) -> None:
    deleted = db.session.execute(db.delete(IdeaVote).where(
        IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)).rowcount
    if not deleted:
        raise IdeaError("You had not voted for this idea.")


def follow(idea: Idea, user: User) -> None:
    if is_following(idea, user):
        raise IdeaError("You already follow this idea.")
    try:
        with db.session.begin_nested():
            db.session.add(IdeaFollower(idea_id=idea.id, user_id=user.id))
    except IntegrityError:
        raise IdeaError("You already follow this idea.") from None


def unfollow(idea: Idea, user: User) -> None:
    deleted = db.session.execute(db.delete(IdeaFollower).where(
        IdeaFollower.idea_id == idea.id, IdeaFollower.user_id == user.id)).rowcount
    if not deleted:
        raise IdeaError("You were not following this idea.")


def add_comment(idea: Idea, author: User, body: str) -> IdeaComment:
    body = (body or "").strip()
    if not body:
        raise IdeaError("Write something first.", "body")
    if len(body) > COMMENT_MAX:
        raise IdeaError(f"A comment can be at most {COMMENT_MAX:,} characters.", "body")
    comment = IdeaComment(idea=idea, author=author, body=body,
                          as_anonymous_author=bool(idea.anonymous and idea.submitter_id == author.id))
    db.session.add(comment)
    idea.updated_at = utcnow()
    return comment


# --- Workflow --------------------------------------------------------------------------------

def _implemented_instant(on: date | None, now: datetime) -> datetime:
    if on is None:
        return now
    if on > now.date():
        raise IdeaError("The implementation date cannot be in the future.", "implemented_on")
    return now if on == now.date() else datetime.combine(on, time(12, 0))


def change_status(idea: Idea, actor: User, status: str, message: str = "", *,
                  duplicate_of: Idea | None = None, implementers: list[User] | None = None,
                  implemented_on: date | None = None, now: datetime | None = None) -> IdeaEvent:
    """Move an idea (or post an update in the same status) with the owner's words, and tell the
    submitter, the voters and the followers once each."""
    now = now or utcnow()
    if not can(actor, "change_idea_status", idea):
        raise IdeaError("Only the idea's owner or HR can change its status.")
    if status not in STATUSES:
        raise IdeaError("Choose one of the statuses.", "status")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise IdeaError(f"The message can be at most {MESSAGE_MAX:,} characters.", "message")
    if idea.status == "duplicate":
        raise IdeaError(f"This idea is a duplicate of #{idea.duplicate_of_id}; change that idea instead.")
    if status == idea.status and not message:
        raise IdeaError(f"The idea is already \u201c{status}\u201d. Write a message to post an update.", "message")
    if status == "declined" and not message:
        raise IdeaError("Say why the idea is declined: the people who proposed and voted for it will read it.",
                        "message")
    if status == "duplicate":
        _check_duplicate_target(idea, duplicate_of)
    elif duplicate_of is not None:
        raise IdeaError("Only a duplicate has an original idea.", "duplicate_of")
    implemented_at = None
    if status == "implemented":
        implemented_at = (_implemented_instant(implemented_on, now) if idea.status != "implemented"
                          or implemented_on else idea.implemented_at)

    # Recipients are gathered before votes and followers move to the original.
    recipients = _recipients(idea, exclude=actor)
    previous = idea.status
    event = IdeaEvent(idea=idea, actor=actor, event="status", from_status=previous, to_status=status,
                      message=message, duplicate_of_id=duplicate_of.id if duplicate_of else None,
                      created_at=now)
    db.session.add(event)
    idea.status = status
    idea.status_changed_at = now
    idea.updated_at = now
    if status == "duplicate":
        idea.duplicate_of = duplicate_of
        _merge_into(idea, duplicate_of, now)
    if status == "implemented":
        idea.implemented_at = implemented_at
        if implementers is not None:
            idea.implementers = list(dict.fromkeys(implementers))
    elif previous == "implemented":
        idea.implemented_at = None
    _notify_status(idea, actor, event, recipients)
    if status == "implemented" and previous != "implemented":
        _celebrate(idea)
    return event


def _check_duplicate_target(idea: Idea, target: Idea | None) -> None:
    if target is None:
        raise IdeaError("Say which idea this one duplicates (its number).", "duplicate_of")
    if target.id == idea.id:
        raise IdeaError("An idea cannot be a duplicate of itself.", "duplicate_of")
    if target.status == "duplicate":
        raise IdeaError(f"#{target.id} is itself a duplicate (of #{target.duplicate_of_id}): "
                        f"choose the original instead.", "duplicate_of")
    # Follow the chain anyway: data written before a rule existed must not loop forever.
    seen, current = {idea.id}, target
    while current is not None:
        if current.id in seen:
            raise IdeaError("That would make a loop of duplicates.", "duplicate_of")
        seen.add(current.id)
        current = current.duplicate_of


def _merge_into(duplicate: Idea, original: Idea, now: datetime) -> None:
    """Votes and followers move to the original; the duplicate's submitter follows it, and any
    idea already marked a duplicate of this one points at the original (no chains)."""
    voters = set(db.session.scalars(db.select(IdeaVote.user_id).where(IdeaVote.idea_id == original.id)))
    for ballot in db.session.scalars(db.select(IdeaVote).where(IdeaVote.idea_id == duplicate.id)).all():
        if ballot.user_id in voters:
            db.session.delete(ballot)
        else:
            ballot.idea_id = original.id
            voters.add(ballot.user_id)
    followers = set(db.session.scalars(
        db.select(IdeaFollower.user_id).where(IdeaFollower.idea_id == original.id)))
    for follower in db.session.scalars(
            db.select(IdeaFollower).where(IdeaFollower.idea_id == duplicate.id)).all():
        if follower.user_id in followers:
            db.session.delete(follower)
        else:
            follower.idea_id = original.id
            followers.add(follower.user_id)
    submitter_id = duplicate.submitter_id
    if submitter_id and submitter_id not in followers and submitter_id != original.submitter_id:
        db.session.add(IdeaFollower(idea_id=original.id, user_id=submitter_id))
    for earlier in db.session.scalars(db.select(Idea).where(Idea.duplicate_of_id == duplicate.id)).all():
        earlier.duplicate_of_id = original.id
    original.updated_at = now
    db.session.flush()


def _recipients(idea: Idea, exclude: User | None) -> list[tuple[User, str]]:
    """(person, relation) once each: the submitter first, then voters, then followers."""
    found: dict[int, tuple[User, str]] = {}
    if idea.submitter is not None and idea.submitter.active:
        found[idea.submitter.id] = (idea.submitter, "submitter")
    for relation, model in (("voter", IdeaVote), ("follower", IdeaFollower)):
        people = db.session.scalars(
            db.select(User).join(model, model.user_id == User.id)
            .where(model.idea_id == idea.id, User.active.is_(True)).order_by(User.id)).all()
        for person in people:
            found.setdefault(person.id, (person, relation))
    if exclude is not None:
        found.pop(exclude.id, None)
    return list(found.values())


STATUS_PHRASES = {
    "new": "is back to new",
    "under review": "is under review",
    "planned": "is planned",
    "in progress": "is in progress",
    "implemented": "has been implemented",
    "declined": "was declined",
    "duplicate": "was merged into another idea",
}


STATUS_WORDINGS = [
    "{yours} {what} \u201c{title}\u201d {phrase}.",
    "News on {lower} {what} \u201c{title}\u201d: it {phrase}.",
    "\u201c{title}\u201d {phrase}.",
]


def _previous_counts(kind: str, people: list[User]) -> dict[int, int]:
    """How many notifications of `kind` each person already has, in one query (the outbox's
    `varied` asks once per person; a popular idea has hundreds of voters)."""
    ids = [p.id for p in people]
    counts = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        counts.update(dict(db.session.execute(
            db.select(Notification.recipient_id, func.count(Notification.id))
            .where(Notification.kind == kind, Notification.recipient_id.in_(chunk))
            .group_by(Notification.recipient_id)).all()))
    return counts


def _notify_status(idea: Idea, actor: User, event: IdeaEvent, recipients: list[tuple[User, str]]) -> None:
    changed = event.from_status != event.to_status
    phrase = STATUS_PHRASES[idea.status] if changed else f"has an update ({idea.status})"
    link = f"/ideas/{idea.duplicate_of_id}" if idea.status == "duplicate" else f"/ideas/{idea.id}"
    counts = _previous_counts("idea.status_changed", [person for person, _ in recipients])
    for person, relation in recipients:
        yours = {"submitter": "Your", "voter": "An", "follower": "An"}[relation]
        what = "obstacle" if idea.kind == "obstacle" else "idea"
        # The next wording for this person, as `varied` would choose it: nobody reads one script twice in a row.
        opening = STATUS_WORDINGS[counts[person.id] % len(STATUS_WORDINGS)].format(
            yours=yours, lower=yours.lower() if relation == "submitter" else "an", what=what,
            title=idea.title, phrase=phrase)
        if relation == "voter":
            opening += " You voted for it."
        elif relation == "follower":
            opening += " You follow it."
        if idea.status == "duplicate" and idea.duplicate_of is not None:
            opening += f" Follow it on \u201c{idea.duplicate_of.title}\u201d (#{idea.duplicate_of_id})."
        text = opening
        if event.message:
            text += f"\n{actor.name}: \u201c{event.message}\u201d"
        record_notification(
            "idea.status_changed", f"{idea.title}: {idea.status}", text, recipient=person, link=link,
            quote=event.message or None,
            anonymous_recipient=bool(relation == "submitter" and idea.anonymous),
            extra={"idea_id": idea.id, "relation": relation, "status": idea.status, "event_id": event.id},
        )


def _celebrate(idea: Idea) -> None:
    """Implemented: celebrated in the heroes channel, crediting the proposer (unless anonymous)
    and the people who implemented it."""
    heroes = [p.name for p in idea.implementers]
    parts = []
    if not idea.anonymous and idea.submitter is not None:
        parts.append(f"proposed by {idea.submitter.name}")
    elif idea.anonymous:
        parts.append("proposed anonymously")
    if heroes:
        parts.append("made real by " + _join_names(heroes))
    what = "An obstacle to customer delight is gone" if idea.kind == "obstacle" else "You said, we did"
    text = f"{what}: \u201c{idea.title}\u201d ({idea.team.name})"
    text += (", " + ", ".join(parts) + ".") if parts else "."
    record_notification(
        "idea.celebration", f"Implemented: {idea.title}", text,
        channel=current_app.config.get("SLACK_HEROES_CHANNEL", "#heroes"), link=f"/ideas/{idea.id}",
        dedupe_key=f"idea.celebration:{idea.id}",
        extra={"idea_id": idea.id,
               "proposer_id": None if idea.anonymous else idea.submitter_id,
               "implementer_ids": [p.id for p in idea.implementers]},
    )


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reassign(idea: Idea, actor: User, new_owner: User | None) -> IdeaEvent:
    if not can(actor, "reassign_idea", idea):
        raise IdeaError("Only the idea's owner or HR can hand it to someone else.")
    if new_owner is None or not new_owner.active:
        raise IdeaError("Choose an active person to own the idea.", "owner")
    if not can(new_owner, "own_ideas"):
        raise IdeaError("An idea's owner is a manager or someone in HR.", "owner")
    if idea.owner_id == new_owner.id:
        raise IdeaError(f"{new_owner.name} already owns this idea.", "owner")
    now = utcnow()
    event = IdeaEvent(idea=idea, actor=actor, event="owner", from_status=idea.status, to_status=idea.status,
                      message=f"Handed to {new_owner.name}.", created_at=now)
    db.session.add(event)
    idea.owner = new_owner
    idea.updated_at = now
    # A new owner gets a fresh fortnight before being reminded.
    idea.status_changed_at = now
    if new_owner.id != actor.id:
        _tell_owner(idea, new_owner, new=False)
    return event


# --- The owner's reminder (a duty) -----------------------------------------------------------

def remind_owners(now: datetime) -> int:
    """Remind owners of open ideas with no word from them for 14 days: once per quiet spell
    (the dedupe key carries the last change, so the reminder is never repeated for it)."""
    due = db.session.scalars(
        db.select(Idea).where(Idea.status.in_(OPEN_STATUSES), Idea.owner_id.is_not(None),
                              Idea.status_changed_at <= now - REMINDER_AFTER)
        .order_by(Idea.id)).all()
    sent = 0
    for idea in due:
        owner = idea.owner
        if owner is None or not owner.active:
            continue
        days = (now - idea.status_changed_at).days
        text = varied("idea.owner_reminder", owner, [
            "\u201c{title}\u201d has been {status} for {days} days. A word on where it stands keeps "
            "people proposing ideas.",
            "The people behind \u201c{title}\u201d have heard nothing for {days} days. Could you post "
            "an update or move it on?",
        ], title=idea.title, status=f"\u201c{idea.status}\u201d", days=days)
        note = record_notification(
            "idea.owner_reminder", f"Waiting for you: {idea.title}", text, recipient=owner,
            link=f"/ideas/{idea.id}",
            dedupe_key=f"idea.owner_reminder:{idea.id}:{idea.status_changed_at:%Y%m%d%H%M%S}",
            extra={"idea_id": idea.id})
        if note is not None:
            sent += 1
    return sent


# --- What people see about themselves --------------------------------------------------------

def waiting_for(owner: User, limit: int = 8) -> list[Idea]:
    return db.session.scalars(
        db.select(Idea).where(Idea.owner_id == owner.id, Idea.status.in_(OPEN_STATUSES))
        .order_by(Idea.status_changed_at, Idea.id).limit(limit)).all()


def my_ideas(user: User, limit: int = 8) -> list[Idea]:
    return db.session.scalars(
        db.select(Idea).where(Idea.submitter_id == user.id)
        .order_by(Idea.updated_at.desc(), Idea.id.desc()).limit(limit)).all()


def updates_for(user: User, since: datetime, limit: int = 8) -> list[IdeaEvent]:
    """Status changes on ideas I proposed, voted for or follow."""
    voted = db.select(IdeaVote.idea_id).where(IdeaVote.user_id == user.id)
    followed = db.select(IdeaFollower.idea_id).where(IdeaFollower.user_id == user.id)
    mine = db.select(Idea.id).where(Idea.submitter_id == user.id)
    return db.session.scalars(
        db.select(IdeaEvent).where(
            IdeaEvent.event == "status", IdeaEvent.created_at >= since,
            (IdeaEvent.actor_id.is_(None)) | (IdeaEvent.actor_id != user.id),
            IdeaEvent.idea_id.in_(voted.union(followed, mine)))
        .order_by(IdeaEvent.created_at.desc(), IdeaEvent.id.desc()).limit(limit)).all()

