"""Outbox → Slack: the transport the delivery duty hands notifications to.

Each failure is sorted by what it says about the message (flashpoint/outbox/delivery.py does the
rest): Slack clearly did nothing (429, 5xx, the connection never opened) → try again later; the
request went out and no answer came (a read timeout, a dropped connection) → unclear, an admin
decides, never resent; Slack refused it for good (unknown user or channel, bad blocks) → failed.
"""
from __future__ import annotations

import http.client
import logging
import socket
import time
from urllib.error import URLError

from flask import current_app
from slack_sdk.errors import SlackApiError

from flashpoint.extensions import db
from flashpoint.outbox.delivery import (PermanentDeliveryError, TransientDeliveryError,
                                        UnclearDeliveryError)
from slack_bot.app import delivery_client
from slack_bot.notifications import render
from slack_bot.models import SlackMessageRef

log = logging.getLogger(__name__)

PERMANENT_ERRORS = {
    "user_not_found", "channel_not_found", "not_in_channel", "invalid_blocks", "is_archived",
    "msg_too_long", "no_text", "cannot_dm_bot", "user_disabled", "account_inactive", "invalid_auth",
    "not_authed", "token_revoked", "missing_scope", "restricted_action", "invalid_blocks_format",
}
# Slack's own words for these: "it's possible some aspect of the operation succeeded".
UNCLEAR_ERRORS = {"internal_error", "fatal_error"}
DEFAULT_RETRY_AFTER = 30
# The id a message is about, per area, so a reaction or a decision can find its message again.
SUBJECT_KEYS = ("story_id", "idea_id", "cycle_id", "feedback_id")


DM_CACHE_SIZE = 10_000


class SlackTransport:
    name = "slack"

    def __init__(self):
        # A person's DM channel with the bot never changes: remembering it saves one Web API call
        # (and one rate-limit token) per message in a fan-out. Per process, bounded.
        self._dm_channels: dict[str, str] = {}
        # After a 429, Slack said when to come back: calls of that kind (a method, or posts to one
        # channel) wait here instead of spending the rest of a fan-out on more 429s.
        self._paused_until: dict[str, float] = {}

    def reaches(self, notification) -> bool:
        if notification.channel:
            return True
        recipient = notification.recipient
        return bool(recipient is not None and recipient.slack_user_id and recipient.active)

    def send(self, notification) -> dict:
        config = current_app.config
        client = delivery_client(config)
        text, blocks = render(notification, config["BASE_URL"])
        if notification.channel:
            channel = notification.channel
        else:
            channel = self._dm_channel(client, notification.recipient.slack_user_id)
        posted = self._call(f"chat.postMessage:{channel}", client.chat_postMessage, channel=channel,
                            text=text, blocks=blocks, unfurl_links=False, unfurl_media=False)
        ref = {"channel": posted.get("channel") or channel, "ts": posted["ts"]}
        remember_message(notification, ref["channel"], ref["ts"])
        return ref

    def _dm_channel(self, client, slack_user_id: str) -> str:
        channel = self._dm_channels.get(slack_user_id)
        if channel is None:
            opened = self._call("conversations.open", client.conversations_open, users=slack_user_id)
            channel = opened["channel"]["id"]
            if len(self._dm_channels) >= DM_CACHE_SIZE:
                self._dm_channels.pop(next(iter(self._dm_channels)))
            self._dm_channels[slack_user_id] = channel
        return channel

    def _call(self, key: str, method, **kwargs):
        wait = self._paused_until.get(key, 0.0) - time.monotonic()
        if wait > 0:
            raise TransientDeliveryError(f"Slack asked to wait before {key.split(':')[0]}",
                                         retry_after=max(1.0, wait))
        try:
            return call(method, **kwargs)
        except TransientDeliveryError as exc:
            if exc.retry_after:
                self._paused_until[key] = time.monotonic() + exc.retry_after
            raise


def remember_message(notification, channel: str, ts: str) -> SlackMessageRef:
    """Keep where a message landed (the caller's transaction commits it)."""
    payload = notification.payload or {}
    subject_id = next((payload[key] for key in SUBJECT_KEYS if payload.get(key) is not None), None)
    ref = SlackMessageRef(notification_id=notification.id, kind=notification.kind,
                          subject_id=subject_id, channel=channel, ts=ts)
    db.session.add(ref)
    return ref


def call(method, **kwargs):
    """One Web API call, its failures translated into the outbox's three kinds."""
    try:
        return method(**kwargs)
    except SlackApiError as exc:
        raise _classify_api_error(exc) from exc
    except URLError as exc:
        # urllib wraps errors raised while connecting and sending: the request never arrived
        # whole, so Slack cannot have acted on it.
        raise TransientDeliveryError(f"Slack unreachable: {exc.reason}") from exc
    except (TimeoutError, socket.timeout, http.client.HTTPException, ConnectionError) as exc:
        # The request was sent and the answer never came: it may have been delivered.
        raise UnclearDeliveryError(
            f"No answer from Slack after the request was sent ({type(exc).__name__}: {exc}); "
            "it may have been delivered") from exc


def _classify_api_error(exc: SlackApiError) -> Exception:
    response = exc.response
    status = getattr(response, "status_code", None)
    error = response.get("error", "") if hasattr(response, "get") else ""
    headers = getattr(response, "headers", {}) or {}
    if status == 429 or error == "ratelimited":
        retry_after = _retry_after(headers)
        return TransientDeliveryError(f"Slack rate limit: retry after {retry_after} s", retry_after=retry_after)
    if status is not None and status >= 500:
        return TransientDeliveryError(f"Slack answered HTTP {status}")
    if error in UNCLEAR_ERRORS:
        return UnclearDeliveryError(f"Slack answered {error}: it may have been delivered")
    if error in PERMANENT_ERRORS:
        return PermanentDeliveryError(f"Slack refused the message: {error}")
    if error in ("service_unavailable", "request_timeout", "team_added_to_org"):
        return TransientDeliveryError(f"Slack answered {error}")
    return PermanentDeliveryError(f"Slack refused the message: {error or status}")


def _retry_after(headers) -> float:
    for key, value in dict(headers).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(1.0, float(value))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER
