"""What recognition holds about a person, for their data export and for erasing a leaver: hero
stories about them or told by them, customer praise that names them, feedback a source credits
them for, and items a source set aside that credit them (their e-mail address in the kept payload).

Registered by the stories and praise areas (`registry.add_personal_data`, `registry.add_erasure`);
flashpoint/people/personal_data.py gathers every area's part.
"""
from __future__ import annotations

import json
import re

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.feedback.models import Feedback, FeedbackCredit
from recognition.feedback.sources.models import FeedbackSetAside
from recognition.praise.inbox import praise_about
from recognition.praise.models import PraiseMatch
from recognition.redaction import EMAIL_MARK, redact_contacts, redact_person, tokens_of_names
from recognition.stories.models import HeroStory, story_heroes


def _stories_of(user: User):
    """Stories with this person among the heroes, or nominated by them."""
    about = db.select(story_heroes.c.story_id).where(story_heroes.c.user_id == user.id)
    return db.select(HeroStory).where(HeroStory.id.in_(about) | (HeroStory.nominator_id == user.id))


def hero_stories(user: User) -> list[dict]:
    stories = db.session.scalars(_stories_of(user).order_by(HeroStory.created_at))
    return [{"role": "hero" if user in story.heroes else "nominator", "heroes": story.hero_names,
             "text": story.text, "kind": story.kind, "state": story.state, "created_at": story.created_at,
             "approved_at": story.approved_at} for story in stories]


def praise_about_me(user: User) -> list[dict]:
    """Customer praise that names this person, in the words they read it (contacts redacted)."""
    return [{"received_at": item.feedback.received_at, "team": item.feedback.team.name,
             "metric": item.feedback.metric, "score": item.feedback.score, "words": item.words}
            for item in praise_about(user)]


def forget_stories(user: User, names: list[str]) -> None:
    """Erasure: stories about or by the leaver stay (they count on the wall and in insights) under
    "a former colleague", their name taken out of the story's words."""
    for story in db.session.scalars(_stories_of(user)):
        story.text = redact_person(story.text, names)
        if story.decline_reason:
            story.decline_reason = redact_person(story.decline_reason, names)


def forget_praise(user: User, names: list[str]) -> None:
    """Erasure: the customers' words that named the leaver keep their praise but lose the name;
    the match itself stays (it counts in the unsung heroes and the wall's figures)."""
    feedbacks = db.session.scalars(db.select(Feedback).join(PraiseMatch, PraiseMatch.feedback_id == Feedback.id)
                                   .where(PraiseMatch.user_id == user.id))
    for feedback in feedbacks:
        feedback.comment = redact_person(feedback.comment, names)
        feedback.helper_name = redact_person(feedback.helper_name, names)
    db.session.execute(db.update(PraiseMatch).where(PraiseMatch.user_id == user.id).values(matched_on=""))


def feedback_crediting_me(user: User) -> list[dict]:
    """Feedback a source credits this person for (a help desk's tickets they handled), praise or not,
    in the customer's words with contact details redacted."""
    rows = db.session.execute(db.select(Feedback, FeedbackCredit.source)
                              .join(FeedbackCredit, FeedbackCredit.feedback_id == Feedback.id)
                              .where(FeedbackCredit.user_id == user.id).order_by(Feedback.received_at, Feedback.id))
    return [{"received_at": feedback.received_at, "team": feedback.team.name, "metric": feedback.metric,
             "score": feedback.score, "credited_by": source or "", "words": redact_contacts(feedback.comment or "")}
            for feedback, source in rows]


def forget_credits(user: User, names: list[str]) -> None:
    """Erasure: feedback crediting the leaver keeps its score and words, minus their name; the credit
    goes (the praise match it made stays, as for names in the words)."""
    credited = db.select(FeedbackCredit.feedback_id).where(FeedbackCredit.user_id == user.id)
    for feedback in db.session.scalars(db.select(Feedback).where(Feedback.id.in_(credited))):
        feedback.comment = redact_person(feedback.comment, names)
        feedback.helper_name = redact_person(feedback.helper_name, names)
    db.session.execute(db.delete(FeedbackCredit).where(FeedbackCredit.user_id == user.id))


def _set_aside_naming(user: User, names: list[str] = ()) -> list[tuple[FeedbackSetAside, dict]]:
    """Set-aside items whose kept payload holds this person's address (or, given names, one of
    a word of them), parsed. The LIKE only narrows the rows read; the parsed payload decides."""
    words = {w for name in names for w in name.split()} | tokens_of_names(names)
    needles = [user.email, *sorted(w for w in words if len(w) > 1)]
    rows = db.session.scalars(db.select(FeedbackSetAside).where(
        db.or_(*(FeedbackSetAside.payload.ilike(f"%{_like(n)}%", escape="\\") for n in needles)))
        .order_by(FeedbackSetAside.at, FeedbackSetAside.id))
    found = []
    for row in rows:
        try:
            payload = json.loads(row.payload or "{}")
        except ValueError:
            payload = None
        found.append((row, payload if isinstance(payload, dict) else None))
    return found


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _credits(payload: dict | None, user: User) -> bool:
    return bool(payload) and (payload.get("employee_email") or "").strip().lower() == user.email.lower()


def set_aside_crediting_me(user: User) -> list[dict]:
    """Items a source set aside (not taken as feedback) that credit this person, in the customer's
    words with contact details redacted."""
    return [{"source": row.source, "set_aside_at": row.at, "reason": row.reason,
             "received_at": payload.get("received_at"), "metric": payload.get("metric"),
             "score": payload.get("score"), "words": redact_contacts(payload.get("comment") or "")}
            for row, payload in _set_aside_naming(user) if _credits(payload, user)]


def forget_set_aside(user: User, names: list[str]) -> None:
    """Erasure: set-aside items keep their reason and score, but lose the leaver's address and
    their name in the customer's words and the reasons; a payload that cannot be read is dropped
    (it may hold either)."""
    address = re.compile(re.escape(user.email), re.IGNORECASE)

    def scrub(text: str | None) -> str:
        return redact_person(address.sub(EMAIL_MARK, text or ""), names)

    for row, payload in _set_aside_naming(user, names):
        if payload is None:
            db.session.delete(row)
            continue
        if _credits(payload, user):
            payload["employee_email"] = None
        for key in ("comment", "aside_reason"):
            if isinstance(payload.get(key), str):
                payload[key] = scrub(payload[key])
        row.payload = json.dumps(payload, ensure_ascii=False)
        row.reason = scrub(row.reason)
