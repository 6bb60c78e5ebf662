"""Hero stories in Slack: `/hero`, the `nominate_hero` shortcut, the nomination modal, the
approver's Approve / Edit / Decline, and the praise alert's "Celebrate as hero story" / "Not now".

Each listener acknowledges, parses the payload into plain values, calls the story services, and
answers; the rules (who may nominate or decide, what may be quoted) live in the services.
"""
from __future__ import annotations

import json
import logging
import re

from flask import current_app
from slack_bolt import App

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.permissions import can
from recognition.feedback.models import Feedback
from recognition.stories.models import HeroStory
from recognition.stories.services import (StoryError, active_values, approve, approver_for, decline,
                                          dismiss_praise, edit, may_decide, may_edit, nominate,
                                          praise_for_manager, praise_items)
from slack_bot.app import in_app_context
from slack_bot.blocks import clip
from slack_bot.home import publish_home
from slack_bot.messages import deliver_now, message_ref, refresh_story_messages
from slack_bot.people import people_for_slack_users, person_for_slack_user
from slack_bot.story_blocks import (DECLINE_CALLBACK, NOMINATE_CALLBACK, decline_modal, done_modal,
                                    nomination_modal, praise_alert_blocks)
from slack_bot.toolkit import (acting_person, acting_slack_id, command_person, selected_users, selected_value,
                               selected_values, state_values, tell, text_value, unknown_person_text)

log = logging.getLogger(__name__)

MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
LEADING_MENTIONS_RE = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,]*)+")
HERO_HELP = (
    "*Tell a colleague's hero story*\n"
    "• `/hero` opens the form.\n"
    "• `/hero @ana @ben stayed late to fix a customer's order` fills in the heroes and the story.\n"
    "• On any message: ⋯ → *Nominate as hero story* starts a story about its author.\n"
    "Their manager approves it, then it is celebrated in the heroes channel."
)
ERROR_BLOCKS = {"heroes": "heroes", "text": "text", "kind": "kind", "values": "values", "feedback": "feedback"}


def parse_hero_command(text: str) -> tuple[list[str], str]:
    """`/hero <@U1|ana> <@U2> what they did` → (["U1", "U2"], "what they did").

    Every mention names a hero; mentions inside the story read as @name."""
    text = text or ""
    slack_ids = list(dict.fromkeys(m.group(1) for m in MENTION_RE.finditer(text)))
    story = LEADING_MENTIONS_RE.sub("", text, count=1)
    story = MENTION_RE.sub(lambda m: "@" + (m.group(2) or m.group(1)), story)
    return slack_ids, story.strip()


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.command("/hero")
    @with_context
    def hero_command(ack, body, client, respond):
        ack()
        person = command_person(body, client, respond)
        if person is None:
            return
        if (body.get("text") or "").strip().lower() in ("help", "?"):
            respond(text=HERO_HELP, response_type="ephemeral")
            return
        slack_ids, text = parse_hero_command(body.get("text", ""))
        open_nomination(client, body["trigger_id"], person, hero_slack_ids=slack_ids, text=text)

    @bolt_app.shortcut("nominate_hero")
    @with_context
    def nominate_from_message(ack, body, client, respond):
        ack()
        person = acting_person(client, body, respond)
        if person is None:
            return
        message = body.get("message") or {}
        author = message.get("user")
        open_nomination(client, body["trigger_id"], person,
                        hero_slack_ids=[author] if author else [],
                        text=parse_hero_command(message.get("text", ""))[1])

    @bolt_app.view(NOMINATE_CALLBACK)
    @with_context
    def nomination_submitted(ack, body, view, client):
        person = person_for_slack_user(acting_slack_id(body), client)
        if person is None:
            ack(response_action="errors", errors={"heroes": unknown_person_text(acting_slack_id(body))[:150]})
            return
        meta = _metadata(view)
        values = state_values(view)
        heroes, missing = people_for_slack_users(selected_users(values, "heroes", "heroes"), client)
        if missing:
            who = "One of the people you chose has" if len(missing) == 1 else f"{len(missing)} of them have"
            ack(response_action="errors", errors={"heroes": (
                f"{who} no Flashpoint account yet: ask a Flashpoint admin to add them, "
                "or tell their story on the web.")})
            return
        hero_ids = [h.id for h in heroes] + [int(i) for i in meta.get("other_hero_ids", [])]
        text = text_value(values, "text", "text")
        kind = selected_value(values, "kind", "kind") or ""
        value_ids = selected_values(values, "values", "values")
        feedback_id = selected_value(values, "feedback", "feedback") or meta.get("feedback_id")
        try:
            if meta.get("story_id"):
                story = db.session.get(HeroStory, int(meta["story_id"]))
                if story is None:
                    raise StoryError({"story": "That story no longer exists."})
                story = edit(story, person, text=text, kind=kind, value_ids=value_ids, hero_ids=hero_ids)
            else:
                story = nominate(person, hero_ids, text, kind, value_ids, feedback_id=feedback_id)
            db.session.commit()
        except StoryError as exc:
            db.session.rollback()
            ack(response_action="errors", errors=_modal_errors(exc.errors))
            return
        if meta.get("story_id"):
            ack(response_action="update", view=done_modal("Story saved", "Your changes are saved."))
        elif story.state == "approved":
            ack(response_action="update", view=done_modal(
                "Thank you!", f"You manage {story.hero_names}, so the story is approved and being "
                              "celebrated now."))
        else:
            approver = approver_for(story)
            who = approver.name if approver else "HR"
            ack(response_action="update", view=done_modal(
                "Thank you!", f"Your story about {story.hero_names} went to {who} for approval."))
        refresh_story_messages(story, client)
        _refresh_home_if_needed(client, meta, person)
        if meta.get("alert_channel") and meta.get("alert_ts"):
            _settle_praise_alert(client, meta, "✅ Turned into a hero story by <@%s>" % acting_slack_id(body))
        deliver_now()

    @bolt_app.action("story_approve")
    @with_context
    def approve_clicked(ack, body, action, client, respond):
        ack()
        _decide(body, action, client, respond, approve)

    @bolt_app.action("story_decline")
    @with_context
    def decline_clicked(ack, body, action, client, respond):
        ack()
        person, story = _person_and_story(body, action, client, respond)
        if story is None:
            return
        if not story.is_pending or not may_decide(story, person):
            _refuse(body, client, respond, story, person)
            return
        client.views_open(trigger_id=body["trigger_id"],
                          view=decline_modal(story, {"story_id": story.id, **_origin(body)}))

    @bolt_app.view(DECLINE_CALLBACK)
    @with_context
    def decline_submitted(ack, body, view, client):
        person = person_for_slack_user(acting_slack_id(body), client)
        meta = _metadata(view)
        story = db.session.get(HeroStory, int(meta.get("story_id") or 0))
        if person is None or story is None:
            ack(response_action="errors", errors={"reason": "This story or your account could not be found."})
            return
        try:
            decline(story, person, text_value(state_values(view), "reason", "reason"))
            db.session.commit()
        except StoryError as exc:
            db.session.rollback()
            message = exc.errors.get("reason") or " ".join(exc.errors.values())
            ack(response_action="errors", errors={"reason": message})
            return
        ack(response_action="update", view=done_modal("Story declined", "The nominator will hear why."))
        refresh_story_messages(story, client)
        _refresh_home_if_needed(client, meta, person)
        deliver_now()

    @bolt_app.action("story_edit")
    @with_context
    def edit_clicked(ack, body, action, client, respond):
        ack()
        person, story = _person_and_story(body, action, client, respond)
        if story is None:
            return
        if not may_edit(story, person):
            _refuse(body, client, respond, story, person)
            return
        on_slack = [h.slack_user_id for h in story.heroes if h.slack_user_id]
        off_slack = [h for h in story.heroes if not h.slack_user_id]
        open_nomination(client, body["trigger_id"], person, hero_slack_ids=on_slack, other_heroes=off_slack,
                        text=story.text, kind=story.kind, value_ids=[v.id for v in story.values],
                        metadata={"story_id": story.id, **_origin(body)}, editing=True)

    @bolt_app.action("praise_celebrate")
    @with_context
    def celebrate_praise(ack, body, action, client, respond):
        ack()
        person = acting_person(client, body, respond)
        if person is None:
            return
        feedback = db.session.get(Feedback, _int(action.get("value")))
        if feedback is None or not can(person, "triage_praise", feedback):
            tell(client, body, "That praise is not in your inbox any more.", respond)
            return
        item = praise_items([feedback], person)[0]
        heroes = [p for p in item.named if p.id != person.id]
        values = active_values()
        text = f"A customer of {feedback.team.name} praised {', '.join(p.name for p in heroes)} by name."
        open_nomination(
            client, body["trigger_id"], person,
            hero_slack_ids=[h.slack_user_id for h in heroes if h.slack_user_id],
            other_heroes=[h for h in heroes if not h.slack_user_id],
            text=text, kind=item.suggested_kind, value_ids=[values[0].id] if values else [],
            feedback_id=feedback.id, evidence=item.words,
            metadata={"feedback_id": feedback.id, **_message_origin(body)})

    @bolt_app.action("praise_not_now")
    @with_context
    def praise_not_now(ack, body, action, client, respond):
        ack()
        person = acting_person(client, body, respond)
        if person is None:
            return
        try:
            dismiss_praise(_int(action.get("value")), person)
            db.session.commit()
        except StoryError as exc:
            db.session.rollback()
            tell(client, body, " ".join(exc.errors.values()), respond)
            return
        _settle_praise_alert(client, _message_origin(body),
                             "Set aside for now. It stays in your praise inbox in Flashpoint.")


# --- Helpers (parsing and answering; no rules here) -----------------------------------------

def open_nomination(client, trigger_id: str, person, *, hero_slack_ids=(), other_heroes=(), text: str = "",
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
    # active_values() seeds the default values on first use: keep them (the modal offers their
    # ids), and release the connection before the network call.
    db.session.commit()
    client.views_open(trigger_id=trigger_id, view=view)


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


def _metadata(view: dict) -> dict:
    try:
        meta = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _modal_errors(errors: dict) -> dict:
    mapped: dict[str, str] = {}
    for field, message in errors.items():
        block = ERROR_BLOCKS.get(field, "text")
        mapped[block] = (mapped[block] + " " + message) if block in mapped else message
    return {k: v[:2000] for k, v in mapped.items()}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _person_and_story(body, action, client, respond):
    person = acting_person(client, body, respond)
    if person is None:
        return None, None
    story = db.session.get(HeroStory, _int(action.get("value")))
    if story is None:
        tell(client, body, "That hero story no longer exists.", respond)
        return person, None
    return person, story


def _refuse(body, client, respond, story, person) -> None:
    if not story.is_pending:
        who = story.decided_by.name if story.decided_by else "someone"
        text = f"Already {story.state} by {who}."
    else:
        approver = approver_for(story)
        text = "You may not decide on this story." + (f" It is {approver.name}'s to decide." if approver else "")
    tell(client, body, text, respond)
    refresh_story_messages(story, client)


def _decide(body, action, client, respond, decision) -> None:
    person, story = _person_and_story(body, action, client, respond)
    if story is None:
        return
    try:
        decision(story, person)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        tell(client, body, " ".join(exc.errors.values()), respond)
        refresh_story_messages(story, client)
        return
    refresh_story_messages(story, client)
    _refresh_home_if_needed(client, _origin(body), person)
    deliver_now()


def _origin(body: dict) -> dict:
    """Where the click came from, so the right surface is refreshed afterwards."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    if container.get("type") == "view" and view.get("type") == "home":
        return {"from_home": True}
    return {}


def _message_origin(body: dict) -> dict:
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") and container.get("message_ts"):
        return {"alert_channel": container["channel_id"], "alert_ts": container["message_ts"]}
    return {}


def _refresh_home_if_needed(client, origin: dict, person) -> None:
    if origin.get("from_home") and person is not None and person.slack_user_id:
        publish_home(client, person)


def _settle_praise_alert(client, origin: dict, outcome: str) -> None:
    """Replace a praise alert's buttons with what became of it."""
    channel, ts = origin.get("alert_channel"), origin.get("alert_ts")
    if not channel or not ts:
        return
    ref = message_ref(channel, ts)
    note = db.session.get(Notification, ref.notification_id) if ref and ref.notification_id else None
    if note is None:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=note.subject,
                           blocks=praise_alert_blocks(note, current_app.config["BASE_URL"], outcome=outcome))
    except Exception as exc:
        log.warning("could not update the praise alert %s/%s: %s", channel, ts, exc)
