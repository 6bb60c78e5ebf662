"""What a status change announces: a note to the submitter, voters and followers once each (the
anonymous submitter named in no text), and the heroes-channel celebration of an implemented idea."""
from __future__ import annotations

from engagement.ideas.models import Idea, IdeaEvent, IdeaFollower, IdeaVote
from flashpoint.extensions import db
from flashpoint.outbox.services import VariedWordings, record_notification
from flashpoint.people.models import User
from recognition.channels import heroes_channel


def recipients_of(idea: Idea, exclude: User | None) -> list[tuple[User, str]]:
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


def notify_status(idea: Idea, actor: User, event: IdeaEvent, recipients: list[tuple[User, str]]) -> None:
    changed = event.from_status != event.to_status
    phrase = STATUS_PHRASES[idea.status] if changed else f"has an update ({idea.status})"
    link = f"/ideas/{idea.duplicate_of_id}" if idea.status == "duplicate" else f"/ideas/{idea.id}"
    wordings = VariedWordings(["idea.status_changed"], [person for person, _ in recipients])
    for person, relation in recipients:
        yours = {"submitter": "Your", "voter": "An", "follower": "An"}[relation]
        what = "obstacle" if idea.kind == "obstacle" else "idea"
        # The next wording for this person: nobody reads one script twice in a row.
        opening = wordings.pick("idea.status_changed", person, STATUS_WORDINGS, yours=yours,
                                lower=yours.lower() if relation == "submitter" else "an", what=what,
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


def celebrate(idea: Idea) -> None:
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
        channel=heroes_channel(), link=f"/ideas/{idea.id}",
        dedupe_key=f"idea.celebration:{idea.id}",
        extra={"idea_id": idea.id,
               "proposer_id": None if idea.anonymous else idea.submitter_id,
               "implementer_ids": [p.id for p in idea.implementers]},
    )


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
