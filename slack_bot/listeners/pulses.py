"""Pulses in Slack: the invitation DM with a *Start* button opening a modal of the cycle's
questions, its submission (stored anonymously by the pulse services), the reminder, and the
App Home's open pulse.

Listeners acknowledge, parse the payload into plain values and call `engagement.pulses.services`;
single use, expiry and anonymity live there. Nothing here logs or stores an answer.
"""
from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from slack_bolt import App

from engagement.pulses import services
from engagement.pulses.models import NPS11, PulseCycle
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow, valid_timezone
from slack_bot.app import in_app_context
from slack_bot.blocks import actions, button, clip, context, escape, header, option, register_builder, section
from slack_bot.home import add_home_section
from slack_bot.people import person_for_slack_user
from slack_bot.toolkit import (acting_person, acting_slack_id, selected_value, state_values, tell, text_value,
                               unknown_person_text)

START_ACTION = "pulse_start"
SUBMIT_CALLBACK = "pulse_submit"
AGREE_WORDS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
ANONYMOUS_NOTE = "Anonymous: stored without your name or the time you answered."
LABEL_MAX = 2000


# --- Block Kit -------------------------------------------------------------------------------

def _start_blocks(notification, title: str) -> list[dict]:
    payload = notification.payload or {}
    elements = []
    if payload.get("cycle_id"):
        elements.append(button("Start", action_id=START_ACTION, value=str(payload["cycle_id"]), style="primary"))
    if notification.secret_url:
        elements.append(button("Answer in the browser", action_id="open_secret_link", url=notification.secret_url))
    blocks = [section(f"*{escape(title)}*\n{escape(notification.text)}"), context(ANONYMOUS_NOTE)]
    if elements:
        blocks.append(actions(elements, block_id="pulse_actions"))
    return blocks


@register_builder("pulse.invitation")
def invitation_blocks(notification, base_url: str) -> list[dict]:
    return _start_blocks(notification, notification.subject)


@register_builder("pulse.reminder")
def reminder_blocks(notification, base_url: str) -> list[dict]:
    return _start_blocks(notification, notification.subject)


def _question_block(item) -> dict:
    if item.scale == NPS11:
        element = {"type": "static_select", "action_id": "answer",
                   "placeholder": {"type": "plain_text", "text": "0 = not at all, 10 = extremely likely"},
                   "options": [option(str(v), str(v)) for v in range(0, 11)]}
    else:
        element = {"type": "radio_buttons", "action_id": "answer",
                   "options": [option(f"{v} · {AGREE_WORDS[v - 1]}", str(v)) for v in range(1, 6)]}
    return {"type": "input", "block_id": f"q{item.id}", "label": {"type": "plain_text", "text": clip(item.wording, LABEL_MAX)},
            "element": element}


def pulse_modal(cycle: PulseCycle) -> dict:
    blocks = [context(f"{escape(cycle.team.name)} · {ANONYMOUS_NOTE}")]
    blocks += [_question_block(item) for item in cycle.items]
    blocks.append({"type": "input", "block_id": "comment", "optional": True,
                   "label": {"type": "plain_text", "text": "Anything you want to add?"},
                   "hint": {"type": "plain_text", "text": "Shown to your managers only when enough of your team answered. "
                                                          "They can reply without learning it was you."},
                   "element": {"type": "plain_text_input", "action_id": "comment", "multiline": True,
                               "max_length": services.COMMENT_MAX}})
    return {"type": "modal", "callback_id": SUBMIT_CALLBACK, "private_metadata": str(cycle.id),
            "title": {"type": "plain_text", "text": "Team pulse"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Later"}, "blocks": blocks}


def message_view(title: str, text: str) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [section(escape(text))]}


# --- App Home --------------------------------------------------------------------------------

def open_pulse_section(user) -> list[dict]:
    waiting = services.open_pulses_for(user, utcnow())
    if not waiting:
        return []
    zone = ZoneInfo(user.timezone) if valid_timezone(user.timezone) else timezone.utc
    blocks = [header("Your pulse")]
    for participation in waiting[:3]:
        cycle = participation.cycle
        closes = cycle.closes_at.replace(tzinfo=timezone.utc).astimezone(zone)
        blocks.append(section(f"*{escape(cycle.team.name)}* · {len(cycle.items)} questions, open until "
                              f"{closes:%A %d %b, %H:%M}",
                              accessory=button("Start", action_id=START_ACTION, value=str(cycle.id), style="primary")))
    blocks.append(context(ANONYMOUS_NOTE))
    return blocks


add_home_section(50, open_pulse_section)


# --- Listeners -------------------------------------------------------------------------------

def _cycle_id(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.action(START_ACTION)
    @with_context
    def start(ack, body, action, client, respond):
        ack()
        person = acting_person(client, body, respond)
        if person is None:
            return
        try:
            participation = services.open_participation(person, _cycle_id(action.get("value")), utcnow())
        except services.PulseError as exc:
            tell(client, body, str(exc), respond)
            return
        client.views_open(trigger_id=body["trigger_id"], view=pulse_modal(participation.cycle))

    @bolt_app.view(SUBMIT_CALLBACK)
    @with_context
    def submitted(ack, body, view):
        person = person_for_slack_user(acting_slack_id(body))
        cycle_id = _cycle_id(view.get("private_metadata"))
        if person is None or cycle_id is None:
            ack(response_action="update", view=message_view("Pulse", unknown_person_text(acting_slack_id(body))))
            return
        now = utcnow()
        try:
            participation = services.open_participation(person, cycle_id, now)
        except services.PulseError as exc:
            ack(response_action="update", view=message_view("Pulse", str(exc)))
            return
        cycle = participation.cycle
        values = state_values(view)
        raw = {f"q{item.id}": selected_value(values, f"q{item.id}", "answer") or "" for item in cycle.items}
        answers, errors = services.parse_answers(cycle, raw)
        if errors:
            ack(response_action="errors", errors={f"q{item_id}": message for item_id, message in errors.items()})
            return
        comment = text_value(values, "comment", "comment")
        try:
            services.submit_answers(participation, answers, comment, now)
            db.session.commit()
        except services.LinkUnusable as exc:
            db.session.rollback()
            ack(response_action="update", view=message_view("Pulse", str(exc)))
            return
        except services.PulseError as exc:
            db.session.rollback()
            ack(response_action="errors", errors={"comment": str(exc)})
            return
        thanks = "Thank you! Your answers are in, anonymously."
        if comment.strip():
            thanks += " If a manager replies to your comment, you will find it in your Flashpoint notifications."
        ack(response_action="update", view=message_view("Thank you", thanks))
