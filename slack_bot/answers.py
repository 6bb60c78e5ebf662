"""Answering the Slack user who acted: privately, how to get an account when they have none, and
why a modal did not open."""
from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from slack_bot.blocks.common import escape
from slack_bot.payloads import acting_slack_id
from slack_bot.people import UNKNOWN_PERSON, person_for_slack_user

log = logging.getLogger(__name__)


def tell(client, body: dict, text: str, respond=None) -> None:
    """Answer the person who acted, privately: through the response_url when the request has
    one (commands, message buttons), else as a DM from the bot (App Home, modals). `text` is
    plain text (it may name people, quote an error): it is escaped here, never read as markup."""
    text = escape(text)
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user_id = (body.get("user") or {}).get("id") or body.get("user_id")
        if user_id:
            client.chat_postMessage(channel=user_id, text=text)
    except Exception:  # an answer that cannot be delivered must not hide the real outcome
        log.exception("could not answer the Slack user")


def open_modal(client, body: dict, view: dict, respond=None) -> bool:
    """`views.open` with the request's trigger; when Slack refuses (the trigger lives 3 seconds,
    once: `expired_trigger_id`) the person is told why instead of seeing nothing."""
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return True
    except SlackApiError as exc:
        error = (exc.response or {}).get("error") if exc.response is not None else None
        log.warning("views.open refused: %s", error or exc)
    except Exception:  # the connection failed: the form did not open either way
        log.exception("views.open failed")
        error = None
    title = ((view.get("title") or {}).get("text") or "The form")
    if error in ("expired_trigger_id", "invalid_trigger_id"):
        text = (f"“{title}” could not open in time: Slack allows 3 seconds and they ran out. "
                "Nothing was saved. Please try again.")
    else:
        text = f"“{title}” could not be opened just now ({error or 'Slack did not answer'}). Please try again."
    tell(client, body, text, respond)
    return False


def unknown_person_text(slack_user_id: str | None) -> str:
    return UNKNOWN_PERSON.format(slack_id=slack_user_id or "?")


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
        respond(text=escape(unknown_person_text(body.get("user_id"))), response_type="ephemeral")
    return person
