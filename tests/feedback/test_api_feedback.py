"""POST /api/v1/feedback: scoped bearer tokens, 201/200 by external_id, JSON errors, nothing half-stored."""
import pytest

from flashpoint.api.models import ApiToken
from flashpoint.api.services import revoke_token
from flashpoint.extensions import db
from tests.factories import make_team
from tests.feedback.factories import all_feedback, make_token

ITEM = {"external_id": "zd-1", "received_at": "2026-01-05T10:00:00Z", "team": "shop", "metric": "csat",
        "score": 5, "comment": "Amara was great", "consent": True}


def post(client, body, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/feedback", json=body, headers=headers, **kwargs)


def test_new_item_answers_201_and_the_same_external_id_answers_200_unchanged(client, announced):
    team = make_team("shop")
    token = make_token("feedback:write")
    first = post(client, ITEM, token)
    assert first.status_code == 201
    body = first.get_json()
    assert body == {"id": body["id"], "external_id": "zd-1", "positive": True}
    again = post(client, {**ITEM, "score": 1, "comment": "changed my mind"}, token)
    assert again.status_code == 200 and again.get_json() == body
    [item] = all_feedback()
    assert (item.team_id, item.score, item.comment, item.channel, item.consent) == (team.id, 5, "Amara was great", "api", True)
    assert announced == ["zd-1"]


def test_received_at_with_an_offset_is_stored_in_utc_and_without_one_as_utc(client):
    make_team("shop")
    token = make_token("feedback:write")
    post(client, {**ITEM, "external_id": "a", "received_at": "2026-01-05T12:00:00+02:00"}, token)
    post(client, {**ITEM, "external_id": "b", "received_at": "2026-01-05T12:00:00"}, token)
    a, b = all_feedback()
    assert a.received_at.isoformat() == "2026-01-05T10:00:00"
    assert b.received_at.isoformat() == "2026-01-05T12:00:00"


def test_bad_fields_answer_400_with_an_error_per_field_and_store_nothing(client):
    make_team("shop", collected_metrics="csat,ces")
    token = make_token("feedback:write")
    response = post(client, {"external_id": "x", "received_at": "2999-01-01T00:00:00Z", "team": "shop",
                             "metric": "nps", "score": 11, "comment": "y" * 20_000}, token)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"received_at", "metric", "comment", "score"}
    assert "does not collect NPS" in errors["metric"] and "in the future" in errors["received_at"]
    assert "20,000 characters" in errors["comment"]
    response = post(client, {**ITEM, "team": "nowhere", "score": 0}, token)
    assert response.get_json()["errors"]["team"] == "There is no team 'nowhere'."
    assert "from 1 to 5" in response.get_json()["errors"]["score"]
    assert all_feedback() == []


def test_missing_fields_and_wrong_types_are_named(client):
    make_team("shop")
    token = make_token("feedback:write")
    errors = post(client, {"score": "5", "consent": "maybe", "colour": "red"}, token).get_json()["errors"]
    assert {"external_id", "received_at", "team", "metric", "score", "consent", "colour"} <= set(errors)
    errors = post(client, {**ITEM, "score": 4.5}, token).get_json()["errors"]
    assert errors == {"score": "The score must be a whole number (a JSON integer)."}
    assert all_feedback() == []


def test_a_body_that_is_not_json_or_not_an_object_answers_400_saying_so(client):
    make_team("shop")
    token = make_token("feedback:write")
    auth = {"Authorization": f"Bearer {token}"}
    bad = client.post("/api/v1/feedback", data="{not json", headers=auth, content_type="application/json")
    assert bad.status_code == 400 and "not valid JSON" in bad.get_json()["errors"]["body"]
    array = client.post("/api/v1/feedback", json=[ITEM], headers=auth)
    assert array.status_code == 400 and array.get_json()["errors"]["body"].startswith("The body must be a JSON object")
    form = client.post("/api/v1/feedback", data={"score": "5"}, headers=auth)
    assert form.status_code == 400 and "application/json" in form.get_json()["errors"]["body"]
    assert all_feedback() == []


def test_no_token_or_an_unknown_token_answers_401_with_www_authenticate(client):
    make_team("shop")
    for headers in ({}, {"Authorization": "Bearer fp_not-a-real-token"}, {"Authorization": "Basic abc"}):
        response = client.post("/api/v1/feedback", json=ITEM, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "token" in response.get_json()["errors"]
    assert all_feedback() == []


def test_a_revoked_token_answers_401(client):
    make_team("shop")
    token = make_token("feedback:write")
    revoke_token(db.session.scalar(db.select(ApiToken)))
    db.session.commit()
    assert post(client, ITEM, token).status_code == 401
    assert all_feedback() == []


def test_a_token_without_the_scope_answers_403(client):
    make_team("shop")
    token = make_token("insights:read")
    response = post(client, ITEM, token)
    assert response.status_code == 403
    assert response.get_json() == {"errors": {"token": "This token does not have the scope 'feedback:write'."}}
    assert all_feedback() == []


def test_the_api_needs_no_csrf_token_and_records_when_a_token_was_used(client):
    make_team("shop")
    token = make_token("feedback:write")
    assert post(client, ITEM, token).status_code == 201
    row = db.session.scalar(db.select(ApiToken))
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_words_that_read_as_praise_make_a_low_score_positive(client):
    make_team("shop")
    token = make_token("feedback:write")
    body = post(client, {**ITEM, "score": 3, "comment": "Wonderful, amazing, really kind and helpful staff!"},
                token).get_json()
    assert body["positive"] is True
    body = post(client, {**ITEM, "external_id": "zd-2", "score": 3, "comment": ""}, token).get_json()
    assert body["positive"] is False


def test_an_instant_before_year_one_in_utc_answers_400_naming_received_at(client):
    make_team("shop")
    token = make_token("feedback:write")
    response = post(client, {**ITEM, "received_at": "0001-01-01T00:00:00+14:00"}, token)
    assert response.status_code == 400
    assert "received_at" in response.get_json()["errors"]
    assert all_feedback() == []



@pytest.mark.both_databases
def test_a_comment_with_a_nul_character_is_stored_without_it(client):
    make_team("shop")
    token = make_token("feedback:write")
    response = post(client, {**ITEM, "comment": "Amara\x00 was great"}, token)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert [item.comment for item in all_feedback()] == ["Amara was great"]



def test_consent_may_also_be_sent_as_the_words_the_csv_uses(client):
    make_team("shop")
    token = make_token("feedback:write")
    for n, sent in enumerate(("true", "false", "")):
        response = post(client, {**ITEM, "external_id": f"w-{n}", "consent": sent}, token)
        assert response.status_code == 201, response.get_json()
    assert [item.consent for item in sorted(all_feedback(), key=lambda i: i.external_id)] == [True, False, False]
