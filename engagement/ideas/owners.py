"""Who owns an idea: the default owner, telling an owner, handing an idea over, and the reminder
(a duty) to owners who have said nothing for a fortnight."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from engagement.ideas.errors import IdeaError
from engagement.ideas.models import OPEN_STATUSES, Idea, IdeaEvent
from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import Team, User, team_managers
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow
from recognition.stories.approvers import approvers_for_teams

REMINDER_AFTER = timedelta(days=14)
ANONYMOUS_HOLD = (timedelta(hours=1), timedelta(hours=4))


def default_owner(team: Team, submitter: User | None = None) -> User | None:
    """A manager of the team who is not the submitter, else of the nearest parent team, else HR: the
    person who would approve a story about the team's people (docs/interface.md, "Approvers"), so
    nobody is the only judge of their own idea. For an anonymous idea the caller passes no submitter:
    who owns it must not depend on who proposed it (its owner may then be its author, unknown to all)."""
    owners = approvers_for_teams([team], {submitter.id} if submitter is not None else set())
    return owners[0] if owners else None


def tell_owner(idea: Idea, owner: User, *, new: bool) -> None:
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
                        link=f"/ideas/{idea.id}", extra={"idea_id": idea.id},
                        not_before=anonymous_hold(idea.created_at) if new and idea.anonymous else None)


def anonymous_hold(written_at: datetime) -> datetime:
    """When the owner hears of a new anonymous idea: at a random moment 1 to 4 hours after it was
    written. Sent at once, the message's time (in Slack, the e-mail, the notification list) would
    date the idea to the minute and tell who was at a keyboard then; its page shows the day only."""
    low, high = ANONYMOUS_HOLD
    return written_at + low + timedelta(seconds=secrets.SystemRandom().uniform(0, (high - low).total_seconds()))


def owner_candidates() -> list[User]:
    """Everyone who may be handed an idea (the `own_ideas` rule: managers, HR and admins, or anyone
    managing a team), with their teams, by name: two statements, not one per person of the
    organisation as asking the rule of each would be."""
    manages = sa.exists().where(team_managers.c.user_id == User.id)
    return db.session.scalars(
        sa.select(User).options(selectinload(User.team))
        .where(User.active.is_(True), sa.or_(User.role.in_(("manager", "hr", "admin")), manages))
        .order_by(User.name, User.id)).all()


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
        tell_owner(idea, new_owner, new=False)
    return event


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
