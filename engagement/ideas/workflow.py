"""An idea's workflow: moving it through the statuses with the owner's words, marking and merging
duplicates, and recording when it was implemented. The caller commits."""
from __future__ import annotations

from datetime import date, datetime, time

from engagement.ideas.announcements import celebrate, notify_status, recipients_of
from engagement.ideas.errors import IdeaError
from engagement.ideas.models import MESSAGE_MAX, STATUSES, Idea, IdeaEvent, IdeaFollower, IdeaVote
from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow


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
    recipients = recipients_of(idea, exclude=actor)
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
    notify_status(idea, actor, event, recipients)
    if status == "implemented" and previous != "implemented":
        celebrate(idea)
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


def _implementers(idea: Idea, ids: list[int] | None) -> list[User]:
    """The people posted as having implemented the idea: each must exist, and work here unless they
    were credited already (someone who has since left stays on an idea they carried out)."""
    ids = list(dict.fromkeys(ids or []))
    people = {p.id: p for p in db.session.scalars(db.select(User).where(User.id.in_(ids)))} if ids else {}
    if any(i not in people for i in ids):
        raise IdeaError("One of the people chosen is not someone we know.", "implementers")
    credited = {p.id for p in idea.implementers}
    gone = [people[i].name for i in ids if not people[i].active and i not in credited]
    if gone:
        raise IdeaError(f"{', '.join(gone)} no longer works here.", "implementers")
    return [people[i] for i in ids]


def change_status_by_ids(idea: Idea, actor: User, status: str, message: str = "", *,
                         duplicate_id: int | None = None, implementer_ids: list[int] | None = None,
                         implemented_on: date | None = None) -> IdeaEvent:
    """`change_status` from a form's values: the original by its number (only for a duplicate),
    the implementers by id (only when implemented)."""
    duplicate_of = None
    if status == "duplicate" and duplicate_id:
        duplicate_of = db.session.get(Idea, duplicate_id)
        if duplicate_of is None:
            raise IdeaError(f"There is no idea #{duplicate_id}.", "duplicate_of")
    implementers = _implementers(idea, implementer_ids) if status == "implemented" else None
    return change_status(idea, actor, status, message, duplicate_of=duplicate_of, implementers=implementers,
                         implemented_on=implemented_on)
