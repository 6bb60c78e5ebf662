"""Small helpers every listener module uses: reading modal state, answering privately."""
from __future__ import annotations

import logging

from slack_bot.people import UNKNOWN_PERSON, person_for_slack_user

log = logging.getLogger(__name__)


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


def tell(client, body: dict, text: str, respond=None) -> None:
    """Answer the person who acted, privately: through the response_url when the request has
    one (commands, message buttons), else as a DM from the bot (App Home, modals)."""
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user_id = (body.get("user") or {}).get("id") or body.get("user_id")
        if user_id:
            client.chat_postMessage(channel=user_id, text=text)
    except Exception:  # an answer that cannot be delivered must not hide the real outcome
        log.exception("could not answer the Slack user")


def unknown_person_text(slack_user_id: str | None) -> str:
    return UNKNOWN_PERSON.format(slack_id=slack_user_id or "?")


def acting_slack_id(body: dict) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


def acting_person(client, body: dict, respond=None):
    """The Flashpoint account of the Slack user who clicked or opened something; None after
    telling them privately (see `tell`) how to get one."""
    person = person_for_slack_user(acting_slack_id(body), client)
    if person is None:
        tell(client, body, unknown_person_text(acting_slack_id(body)), respond)
    return person


def command_person(body: dict, client, respond):
    """The same for a slash command: the answer for an unknown person goes to the command's own
    response_url, seen only by them."""
    person = person_for_slack_user(body.get("user_id"), client)
    if person is None:
        respond(text=unknown_person_text(body.get("user_id")), response_type="ephemeral")
    return person
