"""POST /slack/events never answers 500: malformed or unsigned requests get a 4xx, unknown events a 200."""
import json
from urllib.parse import urlencode

import pytest

from tests.slack.helpers import signature_headers

FORM = "application/x-www-form-urlencoded"


def raw_post(client, body: str, headers: dict, content_type: str = "application/json"):
    return client.post("/slack/events", data=body.encode("utf-8"), headers={"Content-Type": content_type, **headers})


@pytest.mark.parametrize("timestamp", ["not-a-number", "", "1e9", "١٧٠٠٠٠٠٠٠٠", "17000000000000000000000000"])
@pytest.mark.parametrize("signature", [None, "v0=deadbeef", "garbage"])
def test_a_non_numeric_timestamp_without_a_valid_signature_is_401(app, client, timestamp, signature):
    headers = {"X-Slack-Request-Timestamp": timestamp}
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    response = raw_post(client, '{"type":"event_callback"}', headers)
    assert response.status_code == 401


def test_no_signature_headers_at_all_is_401(app, client):
    assert raw_post(client, '{"type":"event_callback"}', {}).status_code == 401


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42", "null", "{not json", ""])
def test_a_signed_json_body_that_is_not_an_object_is_400(app, slack, body):
    assert slack.post(body, content_type="application/json").status_code == 400


@pytest.mark.parametrize("event", ["app_home_opened", ["a"], 7, None])
def test_an_event_callback_whose_event_is_not_an_object_is_400(app, slack, event):
    body = json.dumps({"type": "event_callback", "event_id": "EvBad", "team_id": "TFLASH", "event": event})
    assert slack.post(body, content_type="application/json").status_code == 400


@pytest.mark.parametrize("payload", ["{not json", "[1]", '"text"', "", "%ZZ"])
def test_an_undecodable_payload_field_is_400(app, slack, payload):
    body = "payload=" + payload if payload == "%ZZ" else urlencode({"payload": payload})
    assert slack.post(body, content_type=FORM).status_code == 400


@pytest.mark.parametrize("view", [{"callback_id": "hero_nominate"}, None, "modal", {"type": None}])
def test_a_view_submission_without_a_view_type_is_400(app, slack, view):
    payload = {"type": "view_submission", "user": {"id": "UX"}, "team": {"id": "TFLASH"}, "view": view}
    assert slack.post_payload(payload).status_code == 400


@pytest.mark.parametrize("event_type", ["member_joined_channel", "message", "emoji_changed"])
def test_an_event_type_without_a_listener_is_acknowledged(app, slack, event_type):
    event = {"type": event_type, "user": "UX", "channel": "C1", "event_ts": "1700000000.1"}
    assert slack.event(event, event_id=f"Ev{event_type}").status_code == 200


def test_an_interaction_of_an_unknown_type_is_not_a_500(app, slack):
    response = slack.post_payload({"type": "something_new", "user": {"id": "UX"}})
    assert response.status_code < 500


def test_signature_headers_helper_still_signs_correctly(app, slack):
    # The well-formed case beside the malformed ones: a signed url_verification answers its challenge.
    body = json.dumps({"type": "url_verification", "challenge": "c"})
    assert raw_post(slack.client, body, signature_headers(body)).get_json() == {"challenge": "c"}


@pytest.mark.parametrize("payload", [
    {"type": "block_actions", "user": 5, "actions": "x"},
    {"type": "block_actions", "user": {"id": "UX"}, "actions": [{"action_id": 5}]},
    {"type": "shortcut", "user": [], "callback_id": {"a": 1}},
    {"type": "message_action", "callback_id": "nominate_hero", "user": {"id": "UX"}, "message": "m"},
    {"type": "view_submission", "user": {"id": "UX"}, "view": {"type": "modal", "callback_id": 5, "state": 5}},
    {"type": "view_closed", "user": {"id": "UX"}, "view": {"type": "modal"}},
    {"type": "event_callback", "event": {"type": 5}, "team_id": ["T"]},
])
def test_odd_shapes_of_signed_payloads_are_never_a_500(app, slack, payload):
    if payload["type"] == "event_callback":
        response = slack.post(json.dumps(payload), content_type="application/json")
    else:
        response = slack.post_payload(payload)
    assert response.status_code < 500


@pytest.mark.parametrize("fields", [{"command": "/hero"}, {}, {"command": "/nope", "user_id": "UX"},
                                    {"command": "/idea", "user_id": "UX", "text": "x" * 5000}])
def test_odd_slash_command_forms_are_never_a_500(app, slack, fields):
    assert slack.post_form(fields).status_code < 500
