"""Regression guard: HR's feedback list costs the same number of SQL statements at page 1 and deep in
the list, whatever the number of items or teams, on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from tests.factories import make_team, make_user
from tests.sqlcount import count_statements


def _add(teams, n: int, batch: str) -> None:
    now = utcnow()
    db.session.add_all(Feedback(external_id=f"{batch}-{i}", team_id=teams[i % len(teams)].id, metric="csat",
                                score=5, comment=f"comment {i}", received_at=now - timedelta(minutes=i),
                                channel="api", positive=True) for i in range(n))
    db.session.commit()


def _count(client, url: str):
    client.get(url)
    with count_statements() as counted:
        assert client.get(url).status_code == 200
    return counted


@pytest.mark.both_databases
def test_feedback_list_statements_do_not_grow_with_items_or_depth(db_backend, app, client, login):
    teams = [make_team("shop"), make_team("desk")]
    _add(teams, 60, "small")
    login(make_user("hr"))
    small = {url: _count(client, url) for url in ("/feedback", "/feedback?page=2")}
    deep_link = "/feedback?page=2&after=" + str(db.session.scalar(
        db.select(Feedback.id).order_by(Feedback.received_at.desc(), Feedback.id.desc()).offset(24).limit(1)))
    small_cursor = _count(client, deep_link)

    teams += [make_team(None) for _ in range(6)]
    _add(teams, 600, "big")
    big = {url: _count(client, url) for url in ("/feedback", "/feedback?page=2", "/feedback?page=20")}
    assert len(big["/feedback"]) == len(small["/feedback"]), (small["/feedback"], big["/feedback"])
    assert len(big["/feedback?page=2"]) == len(small["/feedback?page=2"])
    assert len(big["/feedback?page=20"]) == len(small["/feedback?page=2"]), big["/feedback?page=20"]
    assert len(_count(client, deep_link)) == len(small_cursor)
    assert len(small["/feedback"]) <= 8, small["/feedback"]
