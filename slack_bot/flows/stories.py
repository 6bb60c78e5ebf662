"""Hero stories and praise in Slack: nominating, deciding, praise alerts and claps, then refreshing.

Opening the nomination and decline modals and saving them, deciding from a button, claps from
reactions, and bringing the messages and the Home up to date afterwards.
"""
from __future__ import annotations

import logging

from flask import current_app

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.permissions import can
from recognition.feedback.models import Feedback
from recognition.praise.inbox import dismiss_praise, praise_for_manager, praise_items
from recognition.redaction import redact_contacts
from recognition.stories.approvals import approve, decision_words, decline, edit, nominate
from recognition.stories.approvers import approver_for, may_decide, may_edit
from recognition.stories.drafts import draft_from_praise
from recognition.stories.errors import StoryError
from recognition.stories.models import HeroStory
from recognition.stories.values import active_values
from recognition.stories.wall import clap, unclap
from slack_bot.answers import acting_person, open_modal, tell
from slack_bot.blocks.common import clip, fallback_text
from slack_bot.blocks.stories import decline_modal, done_modal, nomination_modal, praise_alert_blocks
from slack_bot.flows import errors, update
from slack_bot.home import publish_home
from slack_bot.messages import deliver_now, message_ref, refresh_story_messages
from slack_bot.payloads import NominationForm, message_origin, origin
from slack_bot.people import people_for_slack_users, person_for_slack_user

log = logging.getLogger(__name__)

# Service error fields → the nomination modal's block ids.
ERROR_BLOCKS = {"heroes": "heroes", "text": "text", "kind": "kind", "values": "values", "feedback": "feedback"}


# --- The nomination modal ----------------------------------------------------------------------

def open_nomination(client, body: dict, respond, person, *, hero_slack_ids=(), other_heroes=(), text: str = "",
                    kind: str | None = None, value_ids=(), feedback_id: int | None = None,
                    evidence: str | None = None, metadata: dict | None = None, editing: bool = False) -> None:
    """Open the nomination modal prefilled; trigger ids live 3 seconds, so nothing slow first."""
    metadata = dict(metadata or {})
    if other_heroes:
        metadata["other_hero_ids"] = [p.id for p in other_heroes]
    view = nomination_modal(values=active_values(), hero_slack_ids=list(hero_slack_ids),
                            other_heroes=list(other_heroes), text=text, kind=kind, value_ids=list(value_ids),
                            feedback_options=[] if editing else _feedback_options(person, feedback_id),
                            feedback_id=feedback_id, evidence=evidence, metadata=metadata, editing=editing)
    # Release the connection before the network call.
    db.session.commit()
    open_modal(client, body, view, respond)


def _feedback_options(person, feedback_id: int | None) -> list[tuple[int, str]]:
    """Recent praise the nominator may cite as evidence (managers and HR)."""
    if not can(person, "view_praise_inbox"):
        return []
    items = praise_for_manager(person, limit=50)
    if feedback_id and all(item.feedback.id != feedback_id for item in items):
        # The praise being celebrated may be older than the recent list: offer it first.
        feedback = db.session.get(Feedback, feedback_id)
        if feedback is not None and can(person, "triage_praise", feedback):
            items = praise_items([feedback], person) + items
    return [(item.feedback.id, clip(f"{item.feedback.team.name}: {item.words}".replace("\n", " "), 75))
            for item in items]


def open_edit(client, body: dict, respond, story_id: int) -> None:
    """Edit from the approver's message or Home: the modal prefilled with the story as it is."""
    person, story = _person_and_story(client, body, respond, story_id)
    if story is None:
        return
    if not may_edit(story, person):
        _refuse(client, body, respond, story)
        return
    on_slack = [h.slack_user_id for h in story.heroes if h.slack_user_id]
    off_slack = [h for h in story.heroes if not h.slack_user_id]
    open_nomination(client, body, respond, person, hero_slack_ids=on_slack, other_heroes=off_slack,
                    text=story.text, kind=story.kind, value_ids=[v.id for v in story.values],
                    metadata={"story_id": story.id, **origin(body)}, editing=True)


def save_nomination(person, form: NominationForm, client) -> tuple[dict, HeroStory | None]:
    """Nominate, or save the story being edited: the modal's answer, and the story once saved."""
    heroes, missing = people_for_slack_users(form.hero_slack_ids, client)
    if missing:
        who = "One of the people you chose has" if len(missing) == 1 else f"{len(missing)} of them have"
        return errors({"heroes": (
            f"{who} no Flashpoint account yet: ask a Flashpoint admin to add them, "
            "or tell their story on the web.")}), None
    meta = form.meta
    hero_ids = [h.id for h in heroes] + [int(i) for i in meta.get("other_hero_ids", [])]
    try:
        if meta.get("story_id"):
            story = db.session.get(HeroStory, int(meta["story_id"]))
            if story is None:
                raise StoryError({"story": "That story no longer exists."})
            story = edit(story, person, text=form.text, kind=form.kind, value_ids=form.value_ids,
                         hero_ids=hero_ids)
        else:
            story = nominate(person, hero_ids, form.text, form.kind, form.value_ids, feedback_id=form.feedback_id)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        return errors(_modal_errors(exc.errors)), None
    return update(_nomination_done(story, editing=bool(meta.get("story_id")))), story


def _nomination_done(story, *, editing: bool) -> dict:
    if editing:
        return done_modal("Story saved", "Your changes are saved.")
    if story.state == "approved":
        return done_modal("Thank you!", f"You manage {story.hero_names}, so the story is approved and being "
                                        "celebrated now.")
    approver = approver_for(story)
    who = approver.name if approver else "HR"
    return done_modal("Thank you!", f"Your story about {story.hero_names} went to {who} for approval.")


def _modal_errors(errors: dict) -> dict:
    mapped: dict[str, str] = {}
    for field, message in errors.items():
        block = ERROR_BLOCKS.get(field, "text")
        mapped[block] = (mapped[block] + " " + message) if block in mapped else message
    return {k: v[:2000] for k, v in mapped.items()}


# --- Deciding --------------------------------------------------------------------------------

def approve_from_button(client, body: dict, respond, story_id: int) -> None:
    """Approve from the approver's message or the Home."""
    person, story = _person_and_story(client, body, respond, story_id)
    if story is None:
        return
    try:
        approve(story, person)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        tell(client, body, " ".join(exc.errors.values()), respond)
        refresh_story_messages(story, client)
        return
    after_saving(client, story, origin(body), person)


def open_decline(client, body: dict, respond, story_id: int) -> None:
    """Decline asks why first: the modal, when the person may still decide."""
    person, story = _person_and_story(client, body, respond, story_id)
    if story is None:
        return
    if not story.is_pending or not may_decide(story, person):
        _refuse(client, body, respond, story)
        return
    open_modal(client, body, decline_modal(story, {"story_id": story.id, **origin(body)}), respond)


def save_decline(person, meta: dict, reason: str) -> tuple[dict, HeroStory | None]:
    """Decline with the reason typed in the modal: the modal's answer, and the story once declined."""
    story = db.session.get(HeroStory, int(meta.get("story_id") or 0))
    if person is None or story is None:
        return errors({"reason": "This story or your account could not be found."}), None
    try:
        decline(story, person, reason)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        message = exc.errors.get("reason") or " ".join(exc.errors.values())
        return errors({"reason": message}), None
    return update(done_modal("Story declined", "The nominator will hear why.")), story


def after_saving(client, story, meta: dict, person, *, settled_as: str | None = None) -> None:
    """After a story changed: its approval messages, the Home it was changed from, the praise
    alert it came from (`settled_as` says what became of it), and the notes it caused."""
    refresh_story_messages(story, client)
    refresh_home_if_needed(client, meta, person)
    if settled_as:
        settle_praise_alert(client, meta, settled_as)
    deliver_now()


def _person_and_story(client, body: dict, respond, story_id: int):
    person = acting_person(client, body, respond)
    if person is None:
        return None, None
    story = db.session.get(HeroStory, story_id)
    if story is None:
        tell(client, body, "That hero story no longer exists.", respond)
        return person, None
    return person, story


def _refuse(client, body: dict, respond, story) -> None:
    if not story.is_pending:
        text = f"Already {decision_words(story)}."
    else:
        approver = approver_for(story)
        text = "You may not decide on this story." + (f" It is {approver.name}'s to decide." if approver else "")
    tell(client, body, text, respond)
    refresh_story_messages(story, client)


def refresh_home_if_needed(client, origin: dict, person) -> None:
    if origin.get("from_home") and person is not None and person.slack_user_id:
        publish_home(client, person)


# --- Praise alerts ---------------------------------------------------------------------------

def celebrate_praise(client, body: dict, respond, feedback_id: int) -> None:
    """"Celebrate as hero story": the nomination modal prefilled from the praise."""
    person = acting_person(client, body, respond)
    if person is None:
        return
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None or not can(person, "triage_praise", feedback):
        tell(client, body, "That praise is not in your inbox any more.", respond)
        return
    draft = draft_from_praise(feedback, person)
    heroes = draft.heroes
    open_nomination(
        client, body, respond, person,
        hero_slack_ids=[h.slack_user_id for h in heroes if h.slack_user_id],
        other_heroes=[h for h in heroes if not h.slack_user_id],
        text=draft.text, kind=draft.kind, value_ids=[],
        feedback_id=feedback.id, evidence=redact_contacts(feedback.comment),
        metadata={"feedback_id": feedback.id, **message_origin(body)})


def set_praise_aside(client, body: dict, respond, feedback_id: int) -> None:
    """"Not now": the praise leaves the alert and stays in the praise inbox."""
    person = acting_person(client, body, respond)
    if person is None:
        return
    try:
        dismiss_praise(feedback_id, person)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        tell(client, body, " ".join(exc.errors.values()), respond)
        return
    settle_praise_alert(client, message_origin(body),
                        "Set aside for now. It stays in your praise inbox in Flashpoint.")


def settle_praise_alert(client, origin: dict, outcome: str) -> None:
    """Replace a praise alert's buttons with what became of it."""
    channel, ts = origin.get("alert_channel"), origin.get("alert_ts")
    if not channel or not ts:
        return
    ref = message_ref(channel, ts)
    note = db.session.get(Notification, ref.notification_id) if ref and ref.notification_id else None
    if note is None:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=fallback_text(note),
                           blocks=praise_alert_blocks(note, current_app.config["BASE_URL"], outcome=outcome))
    except Exception as exc:
        log.warning("could not update the praise alert %s/%s: %s", channel, ts, exc)


# --- Claps -----------------------------------------------------------------------------------

def clap_on_message(client, logger, channel: str, ts: str, slack_user_id: str | None, *, added: bool) -> None:
    """A 👏 added to (or removed from) a celebration post is one person's clap, counted once."""
    ref = message_ref(channel, ts)
    if ref is None or ref.kind != "story.celebration" or ref.subject_id is None:
        return
    story = db.session.get(HeroStory, ref.subject_id)
    person = person_for_slack_user(slack_user_id, client)
    if story is None or person is None:
        return
    try:
        if added:
            clap(story, person, source="slack")
        else:
            unclap(story, person)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        logger.info("clap by %s on story %s refused: %s", person.id, story.id, exc)
