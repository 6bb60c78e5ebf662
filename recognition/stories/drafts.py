"""A hero story drafted from a piece of praise, so celebrating it takes two clicks: *Celebrate*
opens the draft, one more click publishes it (approved at once for the manager's own people).

The web form and the Slack modal both start from `draft_from_praise`, so they offer the same story.
The draft's own text never repeats the customer's words: those stay on the feedback the story is
linked to, and each page quotes them as the quoting rules allow (verbatim to the heroes and their
managers, on the wall only with the customer's consent). What the draft writes is ours to publish.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.feedback.models import Feedback
from recognition.praise.inbox import praise_items
from recognition.stories.models import KIND_LABELS


@dataclass
class StoryDraft:
    feedback: Feedback
    heroes: list[User] = field(default_factory=list)
    text: str = ""
    kind: str = "proactive"


def draft_from_praise(feedback: Feedback, viewer: User, kind: str | None = None,
                      hero_ids: list[int] | None = None) -> StoryDraft:
    """The story this praise suggests to this viewer: the people it names, or those asked for (never
    the viewer), a kind (the one asked for, else the one the words suggest) and a first sentence to
    keep or rewrite."""
    item = praise_items([feedback], viewer)[0]
    if hero_ids:
        heroes = list(db.session.scalars(db.select(User).where(User.id.in_(hero_ids), User.active.is_(True))
                                         .order_by(User.name)))
    else:
        heroes = item.named
    heroes = [p for p in heroes if p.id != viewer.id]
    kind = kind if kind in KIND_LABELS else item.suggested_kind
    return StoryDraft(feedback=feedback, heroes=heroes, text=draft_text(feedback, heroes, kind), kind=kind)


def draft_text(feedback: Feedback, heroes: list[User], kind: str) -> str:
    where = feedback.team.name if feedback.team is not None else "us"
    if not heroes:
        return f"A customer of {where} wrote in to praise the team."
    names = _names(heroes)
    if kind == "recovery":
        return (f"Something went wrong for a customer of {where}, and {names} put it right. "
                "The customer wrote in to thank them by name.")
    return f"{names} made a customer's day at {where}, and the customer wrote in to thank them by name."


def _names(people: list[User]) -> str:
    names = [p.name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
