"""The HTTP edge: Flask requests to Bolt requests and back, with one parsing fix.

slack-bolt reads any form body containing the text "payload" as an interactive payload
(`payload=<json>`); a slash command whose text, channel or user name contains the word then
parses to an empty body and is answered 404. Here a form body is only taken as an interactive
payload when it really has a `payload` field.

Nothing a sender controls ends in a 500 (`refusal`): the signature is checked first (a
timestamp that is not a number is simply not valid: 401), then the body's shape (JSON that is
not an object, an `event` or `view` that is not one, a `payload` field that is not JSON: 400).
An event type no listener handles is acknowledged with 200, so Slack does not retry it.
"""
from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl

from flask import Blueprint, Request, Response, current_app, request
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from flashpoint.extensions import csrf

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"


def to_bolt_request(req: Request) -> BoltRequest:
    raw = req.get_data(as_text=True)
    bolt_request = BoltRequest(body=raw, query=req.query_string.decode("utf-8"), headers=req.headers)
    if _is_form(bolt_request.content_type, raw) and "payload" in raw:
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        if "payload" not in fields:
            # A slash command (or other form post) that merely mentions the word.
            bolt_request.body = fields
            bolt_request.context = build_context(BoltContext({}), fields)
    return bolt_request


def _is_form(content_type: str | None, raw: str) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() == FORM
    return not raw.startswith("{")


_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def refusal(req: Request) -> Response | None:
    """401 or 400 for a request Bolt must not see (it would raise on it), else None."""
    raw = req.get_data(as_text=True)
    timestamp = req.headers.get("X-Slack-Request-Timestamp") or ""
    verifier = SignatureVerifier(current_app.config["SLACK_SIGNING_SECRET"])
    if not _TIMESTAMP.fullmatch(timestamp) or not verifier.is_valid(
            raw, timestamp, req.headers.get("X-Slack-Signature") or ""):
        return Response("invalid request signature", status=401, mimetype="text/plain")
    problem = _shape_problem(raw, req.content_type)
    return Response(problem, status=400, mimetype="text/plain") if problem else None


def _shape_problem(raw: str, content_type: str | None) -> str | None:
    if _is_form(content_type, raw):
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        if "payload" not in fields:
            return None  # a slash command: plain form fields
        try:
            body = json.loads(fields["payload"])
        except ValueError:
            return "the payload field is not JSON"
    else:
        try:
            body = json.loads(raw)
        except ValueError:
            return "the body is not JSON"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if body.get("type") == "event_callback" and not (
            isinstance(body.get("event"), dict) and isinstance(body.get("event_id", ""), str)):
        return "event_callback needs an event object and a string event_id"
    if body.get("type") == "view_submission" and not (
            isinstance(body.get("view"), dict) and isinstance(body["view"].get("type"), str)):
        return "view_submission needs a view with a type"
    return None


def answer(bolt_request: BoltRequest, response: BoltResponse) -> Response:
    """Bolt's answer, except that an event nobody listens to is acknowledged (200), not a 404."""
    if response.status == 404 and isinstance(bolt_request.body, dict) and \
            bolt_request.body.get("type") == "event_callback":
        return Response("", status=200)
    return to_flask_response(response)


def events_blueprint() -> Blueprint:
    bp = Blueprint("slack", __name__)

    @bp.post("/slack/events")
    def events():
        from slack_bot.app import bolt_app

        refused = refusal(request)
        if refused is not None:
            return refused
        try:
            bolt_request = to_bolt_request(request)
            return answer(bolt_request, bolt_app(current_app).dispatch(bolt_request))
        except (TypeError, AttributeError, KeyError, ValueError):
            # A signed body of a shape Bolt cannot read (`"user": 5`): the sender's fault, not ours.
            log.warning("unreadable Slack request", exc_info=True)
            return Response("unreadable request", status=400, mimetype="text/plain")

    # Slack signs its requests; a browser's CSRF token has no place here.
    csrf.exempt(bp)
    return bp
