"""Ideas in Slack: `/idea [text]` opens a prefilled modal, its submission files the idea; the App
Home's "My ideas"; Block Kit for idea notifications (status changes, the owner's reminder, the
heroes-channel celebration).

Listeners acknowledge, parse the payload into plain values and call the idea services; who may
do what, and anonymity, live in the services. An anonymous idea's author is named in no block.
"""
from __future__ import annotations

import logging

from flask import current_app
from slack_bolt import App

from engagement.ideas import services
from engagement.ideas.models import DESCRIPTION_MAX, KINDS, TITLE_MAX
from flashpoint.extensions import db
from flashpoint.people.models import Team
from slack_bot.app import in_app_context
from slack_bot.blocks import (absolute, actions, button, clip, context, escape, header, option,
                              quote_block, register_builder, section)
from slack_bot.home import add_home_section
from slack_bot.messages import deliver_now
from slack_bot.people import person_for_slack_user
from slack_bot.toolkit import (acting_slack_id, command_person, selected_value, selected_values, state_values,
                               text_value)

log = logging.getLogger(__name__)

SUBMIT_CALLBACK = "idea_submit"
TEAM_OPTIONS_MAX = 100       # a static select holds at most 100 options
# Service error fields → the modal's block ids.
ERROR_BLOCKS = {"title": "title", "description": "description", "kind": "kind", "team": "team", "tags": "tags"}


# --- Block Kit -------------------------------------------------------------------------------

def _team_options(person) -> list[dict]:
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    if person.team is not None:
        # The person's own team first: usually the one an idea concerns.
        teams = [person.team] + [t for t in teams if t.id != person.team_id]
    return [option(t.name, t.slug) for t in teams[:TEAM_OPTIONS_MAX]]


def idea_modal(person, title: str = "") -> dict:
    """The submission modal, with `title` prefilled from `/idea <text>`."""
    teams = _team_options(person)
    title_element = {"type": "plain_text_input", "action_id": "title", "max_length": TITLE_MAX}
    if title:
        title_element["initial_value"] = clip(title, TITLE_MAX)
    team_element = {"type": "static_select", "action_id": "team", "options": teams,
                    "placeholder": {"type": "plain_text", "text": "Choose a team"}}
    if person.team is not None and teams:
        team_element["initial_option"] = teams[0]
    kinds = [option(label, key) for key, label in KINDS.items()]
    return {
        "type": "modal", "callback_id": SUBMIT_CALLBACK,
        "title": {"type": "plain_text", "text": "Share an idea"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
             "element": title_element},
            {"type": "input", "block_id": "description", "optional": True,
             "label": {"type": "plain_text", "text": "Description"},
             "hint": {"type": "plain_text", "text": "What happens today, and what would delight customers instead?"},
             "element": {"type": "plain_text_input", "action_id": "description", "multiline": True,
                         "max_length": DESCRIPTION_MAX}},
            {"type": "input", "block_id": "kind", "label": {"type": "plain_text", "text": "Kind"},
             "element": {"type": "radio_buttons", "action_id": "kind", "options": kinds, "initial_option": kinds[0]}},
            {"type": "input", "block_id": "team", "label": {"type": "plain_text", "text": "Team it concerns"},
             "element": team_element},
            {"type": "input", "block_id": "tags", "optional": True, "label": {"type": "plain_text", "text": "Tags"},
             "hint": {"type": "plain_text", "text": "Separated by commas, e.g. checkout, queues"},
             "element": {"type": "plain_text_input", "action_id": "tags", "max_length": 400}},
            {"type": "input", "block_id": "anonymous", "optional": True,
             "label": {"type": "plain_text", "text": "Anonymity"},
             "element": {"type": "checkboxes", "action_id": "anonymous", "options": [{
                 "text": {"type": "plain_text", "text": "Post anonymously"},
                 "description": {"type": "plain_text",
                                 "text": "Nobody sees your name, admins included; you still hear every follow-up."},
                 "value": "yes"}]}},
        ],
    }


def done_view(idea, base_url: str) -> dict:
    url = absolute(f"/ideas/{idea.id}", base_url)
    text = (f"Thank you! *{escape(idea.title)}* is on the board"
            + (f", owned by {escape(idea.owner.name)}" if idea.owner else "") + ". "
            "You will hear about every change." + (" Your name is shown to nobody." if idea.anonymous else "")
            + f"\n<{url}|Open it in Flashpoint>")
    return {"type": "modal", "title": {"type": "plain_text", "text": "Idea shared"},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [section(text)]}


def _open_button(notification, base_url: str, label: str = "Open the idea") -> dict | None:
    url = absolute(notification.link, base_url)
    return actions([button(label, action_id="open_link", url=url)]) if url else None


@register_builder("idea.status_changed")
def status_changed_blocks(notification, base_url: str) -> list[dict]:
    """Opening line, the owner's words as a quote, a button to the idea. The text was written
    by the service and names only the owner, never an anonymous author."""
    opening = (notification.text or "").split("\n", 1)[0]
    blocks = [section(f"💡 {escape(opening)}")]
    if notification.quote:
        blocks.append(section(quote_block(notification.quote)))
    blocks.append(context(f"Status: *{escape((notification.payload or {}).get('status', ''))}*"))
    button_block = _open_button(notification, base_url)
    if button_block:
        blocks.append(button_block)
    return blocks


@register_builder("idea.owner_reminder")
@register_builder("idea.assigned")
def owner_blocks(notification, base_url: str) -> list[dict]:
    blocks = [section(f"*{escape(notification.subject)}*\n{escape(notification.text)}")]
    button_block = _open_button(notification, base_url, "Answer in Flashpoint")
    if button_block:
        blocks.append(button_block)
    return blocks


@register_builder("idea.celebration")
def celebration_blocks(notification, base_url: str) -> list[dict]:
    """The heroes channel: proposer (unless anonymous) and implementers as mentions when on Slack."""
    from engagement.ideas.models import Idea

    payload = notification.payload or {}
    idea = db.session.get(Idea, payload.get("idea_id")) if payload.get("idea_id") else None
    if idea is None:
        blocks = [section(escape(notification.text))]
    else:
        from slack_bot.blocks import mention

        title = "🎉 Obstacle removed" if idea.kind == "obstacle" else "🎉 You said, we did"
        lines = [f"*{escape(idea.title)}* · {escape(idea.team.name)}"]
        if idea.anonymous:
            lines.append("Proposed anonymously")
        elif idea.submitter is not None:
            lines.append(f"Proposed by {mention(idea.submitter)}")
        if idea.implementers:
            lines.append("Made real by " + ", ".join(mention(p) for p in idea.implementers))
        blocks = [header(title), section("\n".join(lines))]
        last = next((e for e in reversed(idea.events) if e.to_status == "implemented" and e.message), None)
        if last is not None:
            blocks.append(section(quote_block(clip(last.message, 600))))
    button_block = _open_button(notification, base_url, "See it in Flashpoint")
    if button_block:
        blocks.append(button_block)
    return blocks


# --- App Home --------------------------------------------------------------------------------

def my_ideas_section(user) -> list[dict]:
    """My ideas and their status; for owners, the ideas waiting for them."""
    base_url = current_app.config["BASE_URL"]
    waiting = services.waiting_for(user, limit=5)
    mine = services.my_ideas(user, limit=5)
    if not (waiting or mine):
        return [header("My ideas"), context("Nothing yet. `/idea` shares an idea or an obstacle to customer delight.")]
    blocks = [header("My ideas")]
    if waiting:
        lines = [f"• <{absolute(f'/ideas/{i.id}', base_url)}|{escape(clip(i.title, 120))}> · _{escape(i.status)}_"
                 for i in waiting]
        blocks.append(section("*Waiting for you*\n" + "\n".join(lines)))
    if mine:
        lines = [f"• <{absolute(f'/ideas/{i.id}', base_url)}|{escape(clip(i.title, 120))}> · *{escape(i.status)}*"
                 + (" (anonymous)" if i.anonymous else "") for i in mine]
        blocks.append(section("*Ideas you shared*\n" + "\n".join(lines)))
    blocks.append(context(f"<{absolute('/ideas', base_url)}|The idea board> · "
                          f"<{absolute('/ideas/done', base_url)}|You said, we did>"))
    return blocks


add_home_section(40, my_ideas_section)


# --- Listeners -------------------------------------------------------------------------------

def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.command("/idea")
    @with_context
    def idea_command(ack, body, client, respond):
        ack()
        person = command_person(body, client, respond)
        if person is None:
            return
        text = " ".join((body.get("text") or "").split())
        client.views_open(trigger_id=body["trigger_id"], view=idea_modal(person, text))

    @bolt_app.view(SUBMIT_CALLBACK)
    @with_context
    def idea_submitted(ack, body, view, client):
        person = person_for_slack_user(acting_slack_id(body), client)
        if person is None:
            from slack_bot.toolkit import unknown_person_text

            ack(response_action="errors", errors={"title": unknown_person_text(acting_slack_id(body))[:150]})
            return
        values = state_values(view)
        team_slug = selected_value(values, "team", "team")
        team = db.session.scalar(db.select(Team).where(Team.slug == team_slug)) if team_slug else None
        try:
            idea = services.submit_idea(
                person, title=text_value(values, "title", "title"),
                description=text_value(values, "description", "description"),
                kind=selected_value(values, "kind", "kind") or "", team=team,
                tags=text_value(values, "tags", "tags"),
                anonymous="yes" in selected_values(values, "anonymous", "anonymous"))
            db.session.commit()
        except services.IdeaError as exc:
            db.session.rollback()
            ack(response_action="errors", errors={ERROR_BLOCKS.get(exc.field or "title", "title"): str(exc)})
            return
        ack(response_action="update", view=done_view(idea, flask_app.config["BASE_URL"]))
        deliver_now()

