"""Reading Slack payloads into plain values; nothing here looks anything up.

Modal state, private metadata, command text, who acted and where a click came from.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
LEADING_MENTIONS_RE = re.compile(r"^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,]*)+")


# --- Modal state -----------------------------------------------------------------------------

def state_values(view: dict) -> dict:
    return ((view or {}).get("state") or {}).get("values") or {}


def text_value(values: dict, block_id: str, action_id: str) -> str:
    """A text input: an empty one arrives as `"value": null`."""
    return ((values.get(block_id) or {}).get(action_id) or {}).get("value") or ""


def selected_value(values: dict, block_id: str, action_id: str) -> str | None:
    """A static select or radio buttons: Slack echoes the whole option object."""
    element = (values.get(block_id) or {}).get(action_id) or {}
    option = element.get("selected_option") or {}
    return option.get("value")


def selected_values(values: dict, block_id: str, action_id: str) -> list[str]:
    element = (values.get(block_id) or {}).get(action_id) or {}
    return [o.get("value") for o in element.get("selected_options") or [] if o.get("value")]


def selected_users(values: dict, block_id: str, action_id: str) -> list[str]:
    element = (values.get(block_id) or {}).get(action_id) or {}
    return list(element.get("selected_users") or [])


def metadata(view: dict) -> dict:
    """The JSON a modal carries in private_metadata ({} when absent or not an object)."""
    try:
        meta = json.loads((view or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


@dataclass
class NominationForm:
    """A submitted nomination modal. `meta` is what the modal was opened with (story being
    edited, heroes not on Slack, the praise alert it came from)."""
    hero_slack_ids: list[str]
    text: str
    kind: str
    value_ids: list[str]
    feedback_id: str | int | None
    meta: dict = field(default_factory=dict)


def nomination_form(view: dict) -> NominationForm:
    meta = metadata(view)
    values = state_values(view)
    return NominationForm(
        hero_slack_ids=selected_users(values, "heroes", "heroes"),
        text=text_value(values, "text", "text"),
        kind=selected_value(values, "kind", "kind") or "",
        value_ids=selected_values(values, "values", "values"),
        feedback_id=selected_value(values, "feedback", "feedback") or meta.get("feedback_id"),
        meta=meta)


def idea_form(view: dict) -> dict:
    """A submitted idea modal as the idea service's keywords, with the team as its slug."""
    values = state_values(view)
    return {"title": text_value(values, "title", "title"),
            "description": text_value(values, "description", "description"),
            "kind": selected_value(values, "kind", "kind") or "",
            "team_slug": selected_value(values, "team", "team"),
            "tags": text_value(values, "tags", "tags"),
            "anonymous": "yes" in selected_values(values, "anonymous", "anonymous")}


# --- Commands, clicks and events ---------------------------------------------------------------

def acting_slack_id(body: dict) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


def parse_hero_command(text: str) -> tuple[list[str], str]:
    """`/hero <@U1|ana> <@U2> what they did` → (["U1", "U2"], "what they did").

    Every mention names a hero; mentions inside the story read as @name."""
    text = text or ""
    slack_ids = list(dict.fromkeys(m.group(1) for m in MENTION_RE.finditer(text)))
    story = LEADING_MENTIONS_RE.sub("", text, count=1)
    story = MENTION_RE.sub(lambda m: "@" + (m.group(2) or m.group(1)), story)
    return slack_ids, story.strip()


def asks_for_help(text: str | None) -> bool:
    return (text or "").strip().lower() in ("help", "?")


def int_value(value) -> int:
    """A button's value as an id; 0 (found nowhere) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def optional_int(text: str | None) -> int | None:
    try:
        return int(text or "")
    except ValueError:
        return None


def origin(body: dict) -> dict:
    """Where the click came from, so the right surface is refreshed afterwards."""
    container = body.get("container") or {}
    view = body.get("view") or {}
    if container.get("type") == "view" and view.get("type") == "home":
        return {"from_home": True}
    return {}


def message_origin(body: dict) -> dict:
    """The message a button was clicked in (a praise alert), to settle it afterwards."""
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") and container.get("message_ts"):
        return {"alert_channel": container["channel_id"], "alert_ts": container["message_ts"]}
    return {}


def reacted_message(event: dict, reactions: set[str]) -> tuple[str, str] | None:
    """(channel, ts) of the message a reaction event is about, when the reaction is one of
    `reactions`; skin tones arrive as "clap::skin-tone-3" and still count."""
    if (event.get("reaction") or "").split("::")[0] not in reactions:
        return None
    item = event.get("item") or {}
    if item.get("type") != "message":
        return None
    return item.get("channel", ""), item.get("ts", "")
