"""Block Kit for pulses: invitation and reminder, the questions modal, the App Home's open pulse.

The invitation and reminder carry a *Start* button opening the modal. No block ever holds an answer.
"""
from __future__ import annotations

from datetime import timezone

from engagement.pulses.comments import COMMENT_MAX
from engagement.pulses.models import NPS11, PulseCycle
from slack_bot.blocks.common import actions, button, clip, context, escape, header, option, section

START_ACTION = "pulse_start"
SUBMIT_CALLBACK = "pulse_submit"
AGREE_WORDS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
ANONYMOUS_NOTE = "Anonymous: stored without your name or the time you answered."
LABEL_MAX = 2000


# --- Notifications ---------------------------------------------------------------------------

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


def invitation_blocks(notification, base_url: str) -> list[dict]:
    return _start_blocks(notification, notification.subject)


def reminder_blocks(notification, base_url: str) -> list[dict]:
    return _start_blocks(notification, notification.subject)


# --- The modal -------------------------------------------------------------------------------

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
                               "max_length": COMMENT_MAX}})
    return {"type": "modal", "callback_id": SUBMIT_CALLBACK, "private_metadata": str(cycle.id),
            "title": {"type": "plain_text", "text": "Team pulse"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Later"}, "blocks": blocks}


def message_view(title: str, text: str) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [section(escape(text))]}


# --- App Home --------------------------------------------------------------------------------

def open_pulse_blocks(waiting: list, zone) -> list[dict]:
    """The pulses waiting for the person (participations), closing times in their `zone`."""
    blocks = [header("Your pulse")]
    for participation in waiting[:3]:
        cycle = participation.cycle
        closes = cycle.closes_at.replace(tzinfo=timezone.utc).astimezone(zone)
        blocks.append(section(f"*{escape(cycle.team.name)}* · {len(cycle.items)} questions, open until "
                              f"{closes:%A %d %b, %H:%M}",
                              accessory=button("Start", action_id=START_ACTION, value=str(cycle.id), style="primary")))
    blocks.append(context(ANONYMOUS_NOTE))
    return blocks
