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
from urllib.error import URLError

from flask import current_app
from slack_sdk.errors import SlackApiError

from flashpoint.extensions import db
from flashpoint.outbox.delivery import (DeferredDelivery, PermanentDeliveryError, TransientDeliveryError,
                                        UnclearDeliveryError)
from flashpoint.timeutil import utcnow
from slack_bot.app import delivery_client
from slack_bot.models import SlackDirectChannel, SlackMessageRef
from slack_bot.notifications import render
from slack_bot.pacing import Pacer

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
# A channel whose next slot is further than this puts its message back (other recipients carry
# on); a nearer one is waited for.
MAX_CHANNEL_WAIT = 0.25


class SlackTransport:
    name = "slack"

    def __init__(self):
        # A person's DM channel with the bot never changes: kept in slack_direct_channels (any
        # process) and remembered here, it saves one conversations.open per message in a fan-out.
        self._dm_channels: dict[str, str] = {}
        self._pacer: Pacer | None = None

    def reaches(self, notification) -> bool:
        if notification.channel:
            return True
        recipient = notification.recipient
        return bool(recipient is not None and recipient.slack_user_id and recipient.active)

    def pacer(self, config) -> Pacer:
        if self._pacer is None:
            self._pacer = Pacer(config)
        return self._pacer

    def send(self, notification) -> dict:
        config = current_app.config
        client = delivery_client(config)
        pacer = self.pacer(config)
        text, blocks = render(notification, config["BASE_URL"])
        if notification.channel:
            channel = notification.channel
        else:
            channel = self._dm_channel(client, pacer, notification.recipient.slack_user_id)
        wait = pacer.channel_wait(channel)
        if wait > MAX_CHANNEL_WAIT:
            raise DeferredDelivery(f"Slack's pace for {channel}: next message in {wait:.1f} s", retry_after=wait)
        posted = self._call(pacer, "chat.postMessage", channel, client.chat_postMessage, channel=channel,
                            text=text, blocks=blocks, unfurl_links=False, unfurl_media=False)
        ref = {"channel": posted.get("channel") or channel, "ts": posted["ts"]}
        remember_message(notification, ref["channel"], ref["ts"])
        return ref

    def _dm_channel(self, client, pacer: Pacer, slack_user_id: str) -> str:
        channel = self._dm_channels.get(slack_user_id)
        if channel is None:
            with db.session.no_autoflush:  # the outcome is written once, after the call
                kept = db.session.get(SlackDirectChannel, slack_user_id)
            if kept is not None:
                channel = kept.channel
            else:
                wait = pacer.method_wait("conversations.open")
                if wait > MAX_CHANNEL_WAIT:  # Slack's tier 3: people whose DM is known carry on
                    raise DeferredDelivery(f"Slack's pace for conversations.open: next in {wait:.1f} s",
                                           retry_after=wait)
                opened = self._call(pacer, "conversations.open", None, client.conversations_open, users=slack_user_id)
                channel = opened["channel"]["id"]
                keep_direct_channel(slack_user_id, channel)
            if len(self._dm_channels) >= DM_CACHE_SIZE:
                self._dm_channels.pop(next(iter(self._dm_channels)))
            self._dm_channels[slack_user_id] = channel
        return channel

    def _call(self, pacer: Pacer, method_name: str, paced_channel: str | None, method, **kwargs):
        # Wait for Slack's pace here rather than collect 429s: nothing else of this kind could go
        # out meanwhile anyway.
        pacer.acquire(method_name, paced_channel)
        try:
            return call(method, **kwargs)
        except TransientDeliveryError as exc:
            if exc.retry_after:
                pacer.pause(method_name, paced_channel, exc.retry_after)
            elif isinstance(exc.__cause__, URLError):
                pacer.refund(method_name, paced_channel)  # it never reached Slack
            raise


def keep_direct_channel(slack_user_id: str, channel: str) -> None:
    """Store a DM channel once; another process storing the same one first is fine."""
    table = SlackDirectChannel.__table__
    values = {"slack_user_id": slack_user_id, "channel": channel, "opened_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(table).values(**values).on_conflict_do_nothing())


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
                return max(0.01, float(value))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER
