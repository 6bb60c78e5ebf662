"""Items a source set aside keep the item as it came, the credited person's address and the
customer's words included: the person's data export shows those crediting them, erasure takes
their address and name out, and the retention duty empties old comments."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import AuditEvent
from recognition.feedback.retention import clear_old_text
from recognition.feedback.sources.base import PulledItem
from recognition.feedback.sources.models import FeedbackSetAside
from tests.factories import make_team, make_user

NOW = datetime(2026, 12, 7, 3, 0)


@pytest.fixture
def app_overrides():
    return {"FEEDBACK_TEXT_RETENTION_MONTHS": 18}


def _aside(item_id, received_at, comment, email=None, reason="No team for this item."):
    item = PulledItem(item_id, received_at, "csat", 2, comment, None, email)
    row = FeedbackSetAside(source="zendesk", external_id=f"zendesk:{item_id}", reason=reason, at=NOW,
                           payload=json.dumps(asdict(item), default=str, ensure_ascii=False))
    db.session.add(row)
    return row


def _payload(row):
    db.session.refresh(row)
    return json.loads(row.payload)


@pytest.mark.both_databases
def test_my_data_lists_set_aside_items_crediting_me_and_erasure_takes_me_out(app, client, login, db_backend):
    from flashpoint.people.personal_data import erase

    amara = make_user(team=make_team("shop"), name="Amara Okafor", email="amara@example.test")
    admin = make_user("admin")
    mine = _aside("1", datetime(2026, 11, 2, 9), "Amara never called back, ring 020 7946 0958",
                  "Amara@Example.test", reason="No active person has the address amara@example.test.")
    named = _aside("2", datetime(2026, 11, 3, 9), "Okafor sorted it in the end")
    other = _aside("3", datetime(2026, 11, 4, 9), "Ben was great", "ben@example.test")
    db.session.commit()
    login(amara)
    data = client.get("/account/data").get_json()
    assert data["set_aside_crediting_me"] == [{
        "source": "zendesk", "set_aside_at": "2026-12-07T03:00:00", "reason": mine.reason,
        "received_at": "2026-11-02 09:00:00", "metric": "csat", "score": 2,
        "words": "Amara never called back, ring [phone]"}]

    erase(db.session.get(type(amara), amara.id), by=admin)
    db.session.commit()
    assert _payload(mine)["employee_email"] is None
    assert _payload(mine)["comment"] == "[name] never called back, ring 020 7946 0958"
    assert "amara" not in mine.reason.lower()
    assert _payload(named)["comment"] == "[name] sorted it in the end"
    assert _payload(other) == {**_payload(other), "employee_email": "ben@example.test", "comment": "Ben was great"}
    assert db.session.scalar(db.select(db.func.count(FeedbackSetAside.id))) == 3


@pytest.mark.both_databases
def test_retention_empties_old_set_aside_comments(app, db_backend):
    old = _aside("1", datetime(2025, 6, 6, 12), "Call me on 0207, Priya")
    kept = _aside("2", datetime(2025, 6, 8, 12), "Still within the 18 months")
    db.session.commit()
    assert clear_old_text(NOW) == 1
    db.session.commit()
    assert _payload(old)["comment"] == "" and _payload(old)["score"] == 2
    assert _payload(kept)["comment"] == "Still within the 18 months"
    [event] = db.session.scalars(db.select(AuditEvent)).all()
    assert "1 items set aside received before 07 Jun 2025" in event.detail
    assert clear_old_text(NOW) == 0
