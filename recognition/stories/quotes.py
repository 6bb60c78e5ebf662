"""Quoting customers in stories (docs/interface.md, "Quoting customers"): the words heroes read, and
the words the wall and the channel show."""
from __future__ import annotations

from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.redaction import redact_contacts, redact_public, tokens_of_names
from recognition.praise.models import PraiseMatch
from recognition.stories.models import HeroStory


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
