"""The HTTP edge: Flask requests to Bolt requests and back, with one parsing fix.

slack-bolt reads any form body containing the text "payload" as an interactive payload
(`payload=<json>`); a slash command whose text, channel or user name contains the word then
parses to an empty body and is answered 404. Here a form body is only taken as an interactive
payload when it really has a `payload` field.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, Request, current_app, request
from slack_bolt import BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context

from flashpoint.extensions import csrf

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


def events_blueprint() -> Blueprint:
    bp = Blueprint("slack", __name__)

    @bp.post("/slack/events")
    def events():
        from slack_bot.app import bolt_app

        return to_flask_response(bolt_app(current_app).dispatch(to_bolt_request(request)))

    # Slack signs its requests; a browser's CSRF token has no place here.
    csrf.exempt(bp)
    return bp
