"""Factories for the stories tests: feedback that arrives through the intake, values, stories."""
from __future__ import annotations

from datetime import datetime

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from recognition.feedback.models import Feedback
from recognition.feedback.intake import receive_form
from recognition.stories.approvals import approve, nominate
from recognition.stories.values import active_values
from recognition.stories.models import CompanyValue, HeroStory


def customer_says(team, comment: str, *, score: int = 5, helper_name: str = "", consent: bool = False,
                  now: datetime | None = None) -> Feedback:
    """Feedback arriving through the intake (the signal routes it), committed."""
    received = receive_form(team, score=score, comment=comment, helper_name=helper_name, consent=consent, now=now)
    db.session.commit()
    return received.feedback


def values() -> list[CompanyValue]:
    found = active_values()
    db.session.commit()
    return found


def value_ids(n: int = 1) -> list[int]:
    return [v.id for v in values()[:n]]


def make_story(nominator, heroes, text="Stayed late to fix a customer's order.", kind="proactive",
               feedback=None, approve_by=None) -> HeroStory:
    story = nominate(nominator, [h.id for h in heroes], text, kind, value_ids(),
                              feedback_id=feedback.id if feedback else None)
    db.session.commit()
    if approve_by is not None and story.state == "pending":
        approve(story, approve_by)
        db.session.commit()
    return story


def notes(kind: str | None = None, recipient=None, channel: str | None = None) -> list[Notification]:
    stmt = db.select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if recipient is not None:
        stmt = stmt.where(Notification.recipient_id == recipient.id)
    if channel is not None:
        stmt = stmt.where(Notification.channel == channel)
    return list(db.session.scalars(stmt))
