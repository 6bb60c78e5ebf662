"""What recognition holds about a person, for their data export and for erasing a leaver: hero
stories about them or told by them, customer praise that names them, and feedback a source credits
them for.

Registered by the stories and praise areas (`registry.add_personal_data`, `registry.add_erasure`);
flashpoint/people/personal_data.py gathers every area's part.
"""
from __future__ import annotations

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.feedback.models import Feedback, FeedbackCredit
from recognition.praise.inbox import praise_about
from recognition.praise.models import PraiseMatch
from recognition.redaction import redact_contacts, redact_person
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
