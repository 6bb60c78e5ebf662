"""Signed webhooks: `create-webhook` shows a secret once; `POST /api/v1/webhooks/<name>` takes an item
signed with it (201 new, 200 again, 400 as the API), and refuses anything else with one 401."""
import json
from datetime import datetime

import pytest

from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.sources import webhooks
from recognition.feedback.sources.models import FeedbackSource
from recognition.praise.models import PraiseMatch
from tests.factories import make_team, make_user

NOW = datetime(2026, 3, 1, 12, 0, 0)
NOW_TS = str(int((NOW - datetime(1970, 1, 1)).total_seconds()))
ITEM = {"external_id": "resp-1", "received_at": "2026-03-01T11:58:00Z", "team": "shop", "metric": "csat",
        "score": 5, "comment": "Lovely visit", "consent": True}


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.webhooks.utcnow", lambda: NOW)
    monkeypatch.setattr("recognition.feedback.validation.utcnow", lambda: NOW)


def make_webhook(app, name="typeform") -> str:
    result = app.test_cli_runner().invoke(args=["create-webhook", name])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def send(client, name, body, secret, *, timestamp=NOW_TS, signature=None, raw=None):
    raw = raw if raw is not None else json.dumps(body).encode()
    headers = {"X-Flashpoint-Timestamp": timestamp,
               "X-Flashpoint-Signature": signature or webhooks.signature(secret, timestamp, raw)}
    return client.post(f"/api/v1/webhooks/{name}", data=raw, headers=headers, content_type="application/json")


def stored() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Feedback.external_id).order_by(Feedback.id)))


@pytest.mark.both_databases
def test_a_signed_item_is_stored_once_under_the_webhooks_name(app, client, frozen, db_backend):
    make_team("shop")
    secret = make_webhook(app)
    first = send(client, "typeform", ITEM, secret)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["external_id"] == "typeform:resp-1"
    again = send(client, "typeform", {**ITEM, "score": 1}, secret)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert stored() == ["typeform:resp-1"]
    source = db.session.scalar(db.select(FeedbackSource))
    assert (source.kind, source.items_taken, source.last_sync_at) == ("webhook", 1, NOW)
    assert secret not in source.secret_sealed and source.secret_sealed.startswith("sealed:")


def test_the_secret_is_shown_once_and_a_name_is_refused_twice_unless_rotated(app, client, frozen):
    make_team("shop")
    old = make_webhook(app)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["create-webhook", "typeform"])
    assert refused.exit_code == 1 and "already a webhook" in refused.output
    assert runner.invoke(args=["create-webhook", "zendesk"]).exit_code == 1  # a pulling source's name
    assert runner.invoke(args=["create-webhook", "Bad Name!"]).exit_code == 1
    new = runner.invoke(args=["create-webhook", "typeform", "--rotate"]).output.strip().splitlines()[-1]
    assert new != old
    assert send(client, "typeform", ITEM, old).status_code == 401
    assert send(client, "typeform", ITEM, new).status_code == 201


def test_every_bad_signature_gets_the_same_401_and_stores_nothing(app, client, frozen):
    make_team("shop")
    secret = make_webhook(app)
    raw = json.dumps(ITEM).encode()
    stale = str(int(NOW_TS) - 301)
    answers = [
        send(client, "typeform", ITEM, "not-the-secret"),
        send(client, "typeform", ITEM, secret, timestamp=stale),
        send(client, "typeform", ITEM, secret, timestamp=str(int(NOW_TS) + 301)),
        send(client, "typeform", ITEM, secret, signature="v1=00"),
        send(client, "typeform", ITEM, secret, raw=raw + b" ", signature=webhooks.signature(secret, NOW_TS, raw)),
        send(client, "nosuch", ITEM, secret),
        send(client, "nosuch", ITEM, secret, signature="garbage"),
        client.post("/api/v1/webhooks/typeform", json=ITEM),
    ]
    assert [a.status_code for a in answers] == [401] * len(answers)
    assert len({json.dumps(a.get_json()) for a in answers}) == 1
    assert stored() == []
    # Within five minutes either way is fine (clocks drift).
    assert send(client, "typeform", ITEM, secret, timestamp=str(int(NOW_TS) - 299)).status_code == 201


def test_bad_fields_answer_400_as_the_api_does(app, client, frozen):
    make_team("shop")
    secret = make_webhook(app)
    response = send(client, "typeform", {**ITEM, "score": 9, "team": "nowhere", "extra": 1}, secret)
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"score", "team", "extra"}
    response = send(client, "typeform", None, secret, raw=b"not json")
    assert response.status_code == 400 and "body" in response.get_json()["errors"]
    assert stored() == []


def test_a_webhook_credits_the_employee_it_names(app, client, frozen):
    team = make_team("shop")
    make_user(team=team, name="Amara Okafor", email="amara@example.test")
    secret = make_webhook(app, "survey")
    assert send(client, "survey", {**ITEM, "employee_email": "amara@example.test"}, secret).status_code == 201
    [match] = db.session.scalars(db.select(PraiseMatch))
    assert (match.user.name, match.confirmed, match.matched_on) == ("Amara Okafor", True, "credited by survey")


def test_the_readmes_worked_example_holds():
    from pathlib import Path

    body = (b'{"external_id":"resp-1","received_at":"2026-03-01T14:30:00Z","team":"store-downtown",'
            b'"metric":"csat","score":5}')
    expected = webhooks.signature("whsec_example", "1772375400", body)
    assert expected == "v1=5b7f5a37e37995c57a840f8502c459fc08c1f7729814e9ad86c9ee78cfe3daa0"
    assert expected in (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_openapi_document_declares_the_webhook_with_its_headers_and_answers(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/webhooks/{name}"]["post"]
    assert "security" not in operation
    assert {p["name"] for p in operation["parameters"]} == {"name", "X-Flashpoint-Timestamp", "X-Flashpoint-Signature"}
    assert set(operation["responses"]) == {"200", "201", "400", "401"}
