"""Exact credit: an `employee_email` on an item (API, CSV) praises that person ahead of the names in
the words; an unknown address falls back to name matching."""
import pytest

from flashpoint.extensions import db
from recognition.feedback import imports
from recognition.feedback.models import Feedback, FeedbackCredit
from recognition.praise.models import PraiseMatch
from tests.factories import make_team, make_user
from tests.feedback.factories import csv_text, make_token, row

ITEM = {"external_id": "zd-1", "received_at": "2026-01-05T10:00:00Z", "team": "shop", "metric": "csat",
        "score": 5, "comment": "Sofia was wonderful", "consent": True}


def matches() -> list[tuple[str, bool, bool, str]]:
    db.session.expire_all()
    return [(m.user.name, m.confirmed, m.candidate, m.matched_on)
            for m in db.session.scalars(db.select(PraiseMatch).order_by(PraiseMatch.id))]


def post(client, body):
    return client.post("/api/v1/feedback", json=body,
                       headers={"Authorization": f"Bearer {make_token('feedback:write')}"})


@pytest.mark.both_databases
def test_the_credited_employee_is_praised_ahead_of_the_names_in_the_words(client, db_backend):
    team = make_team("shop")
    make_user(team=team, name="Amara Okafor", email="amara@example.test")
    make_user(team=team, name="Sofia Reyes")
    response = post(client, {**ITEM, "employee_email": " Amara@Example.test "})
    assert response.status_code == 201
    assert matches() == [("Amara Okafor", True, False, "credited by the sender"),
                         ("Sofia Reyes", True, False, "sofia")]
    [credit] = db.session.scalars(db.select(FeedbackCredit))
    assert credit.source is None


def test_a_credit_settles_an_ambiguous_name(client):
    team = make_team("shop")
    make_user(team=team, name="Sofia Reyes", email="sofia.r@example.test")
    make_user(team=team, name="Sofia Lind")
    post(client, {**ITEM, "employee_email": "sofia.r@example.test"})
    assert matches() == [("Sofia Reyes", True, False, "credited by the sender")]


def test_an_unknown_or_inactive_address_falls_back_to_the_names(client):
    team = make_team("shop")
    make_user(team=team, name="Sofia Reyes")
    make_user(team=team, name="Gone Person", email="gone@example.test", active=False)
    post(client, {**ITEM, "employee_email": "nobody@example.test"})
    post(client, {**ITEM, "external_id": "zd-2", "employee_email": "gone@example.test"})
    assert matches() == [("Sofia Reyes", True, False, "sofia")] * 2
    assert db.session.scalars(db.select(FeedbackCredit)).all() == []


def test_a_malformed_address_is_refused_with_the_other_problems(client):
    make_team("shop")
    response = post(client, {**ITEM, "employee_email": "not an address", "score": 9})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"employee_email", "score"}


def test_a_csv_column_credits_each_row(app):
    team = make_team("shop")
    make_user(team=team, name="Amara Okafor", email="amara@example.test")
    columns = ("external_id", "received_at", "team", "metric", "score", "comment", "employee_email")
    text = csv_text([row(1, score="5", comment="Thanks!", employee_email="amara@example.test"),
                     row(2, score="5", comment="Thanks!", employee_email="")], columns)
    report = imports.import_feedback(text)
    db.session.commit()
    assert report.ok and report.added == 2
    assert matches() == [("Amara Okafor", True, False, "credited by the sender")]


def test_my_data_holds_the_feedback_crediting_me_and_erasure_takes_the_credit_away(app, client, login):
    from flashpoint.people.personal_data import erase

    team = make_team("shop", "The Shop")
    amara = make_user(team=team, name="Amara Okafor", email="amara@example.test")
    admin = make_user("admin")
    post(client, {**ITEM, "score": 1, "comment": "Amara was slow, call 020 7946 0958",
                  "employee_email": "amara@example.test"})
    login(amara)
    data = client.get("/account/data").get_json()
    assert data["feedback_crediting_me"] == [{"received_at": "2026-01-05T10:00:00", "team": "The Shop",
                                              "metric": "csat", "score": 1, "credited_by": "",
                                              "words": "Amara was slow, call [phone]"}]
    erase(db.session.get(type(amara), amara.id), by=admin)
    db.session.commit()
    assert db.session.scalars(db.select(FeedbackCredit)).all() == []
    assert "Amara" not in db.session.scalar(db.select(Feedback.comment))
