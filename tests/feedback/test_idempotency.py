"""One row per external_id, also under races (PostgreSQL), and new items commit with what their receivers wrote."""
import threading
import time

import pytest
import sqlalchemy as sa

from flashpoint.extensions import db
from tests.factories import make_team
from tests.feedback.factories import all_feedback, make_token

ITEM = {"external_id": "race-1", "received_at": "2026-01-05T10:00:00Z", "team": "shop", "metric": "csat",
        "score": 5, "comment": "first"}


@pytest.mark.postgres
def test_a_request_racing_an_uncommitted_insert_of_the_same_external_id_returns_the_winner(
        app, client, db_backend, announced):
    team = make_team("shop")
    token = make_token("feedback:write")
    # Another writer has inserted race-1 and not yet committed: our request's existence check
    # cannot see it, so the insert waits on the unique index and then loses.
    rival = db.engine.connect()
    tx = rival.begin()
    winner_id = rival.execute(sa.text(
        "INSERT INTO feedback (external_id, team_id, metric, score, comment, helper_name, received_at, channel, "
        "consent, positive, created_at) VALUES ('race-1', :team, 'csat', 2, 'the winner', '', now(), 'api', "
        "false, false, now()) RETURNING id"), {"team": team.id}).scalar_one()
    result = {}

    def send():
        result["response"] = client.post("/api/v1/feedback", json=ITEM,
                                          headers={"Authorization": f"Bearer {token}"})

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive(), "the request should be waiting on the rival's lock"
    tx.commit()
    rival.close()
    thread.join(timeout=30)
    response = result["response"]
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"id": winner_id, "external_id": "race-1", "positive": False}
    [stored] = all_feedback()
    assert (stored.id, stored.comment, stored.score) == (winner_id, "the winner", 2)
    assert announced == []


@pytest.mark.both_databases
def test_sending_the_same_item_twice_stores_it_once(client, db_backend):
    make_team("shop")
    token = make_token("feedback:write")
    auth = {"Authorization": f"Bearer {token}"}
    codes = [client.post("/api/v1/feedback", json=ITEM, headers=auth).status_code for _ in range(3)]
    assert codes == [201, 200, 200]
    assert len(all_feedback()) == 1


@pytest.mark.both_databases
def test_a_failing_receiver_undoes_the_item_it_was_told_about(app, client, db_backend):
    """feedback_received runs inside the intake's transaction: the item and the receivers' rows
    commit together or not at all."""
    from recognition.signals import feedback_received

    make_team("shop")
    token = make_token("feedback:write")

    def broken(_sender, items, **_):
        raise RuntimeError("receiver failed")

    feedback_received.connect(broken)
    try:
        response = client.post("/api/v1/feedback", json=ITEM, headers={"Authorization": f"Bearer {token}"})
    finally:
        feedback_received.disconnect(broken)
    assert response.status_code == 500
    assert all_feedback() == []


@pytest.mark.both_databases
def test_an_import_racing_another_writer_counts_its_rows_as_already_there(app, runner, tmp_path, monkeypatch,
                                                                        db_backend):
    from recognition.feedback import imports
    from tests.feedback.factories import csv_text, make_feedback, row

    shop = make_team("shop")
    make_feedback(shop, external_id="ext-2", comment="stored by the API meanwhile")
    real_lookup = imports.existing_ids
    calls = []

    def stale_then_real(ids):
        calls.append(ids)
        return set() if len(calls) == 1 else real_lookup(ids)  # the first look-up ran before the API wrote

    monkeypatch.setattr(imports, "existing_ids", stale_then_real)
    path = tmp_path / "race.csv"
    path.write_text(csv_text([row(1, team="shop"), row(2, team="shop"), row(3, team="shop")]))
    result = runner.invoke(args=["import-feedback", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 feedback items added; 1 was already there." in result.output
    assert [f.comment for f in all_feedback()] == ["stored by the API meanwhile", "comment 1", "comment 3"]
