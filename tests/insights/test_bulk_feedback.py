"""The panel under bulk feedback: a CSV import (announced in batches) counts every item exactly once,
whatever the way in, and still equals a full rebuild, also with concurrent importers on PostgreSQL."""
from __future__ import annotations

import random
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask import current_app

from engagement.insights import panel
from engagement.insights.models import TeamPeriod
from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.imports import import_feedback
from recognition.feedback.intake import receive_feedback
from recognition.signals import feedback_received
from tests.factories import make_team
from tests.insights.test_panel import _row, _snapshot

RANGES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}


def feedback_csv(prefix: str, rows: int, teams: list[str], seed: int) -> str:
    """Rows over several teams, metrics, weeks and months (month ends included), in no order."""
    rng = random.Random(seed)
    lines = ["external_id,received_at,team,metric,score,comment"]
    for n in range(rows):
        metric = rng.choice(list(RANGES))
        day = date(2025, rng.randint(1, 12), rng.choice([1, 2, 15, 28]))
        lines.append(f"{prefix}-{n},{day.isoformat()}T{rng.choice(['00:00', '12:30', '23:59'])}:00Z,"
                     f"{rng.choice(teams)},{metric},{rng.randint(*RANGES[metric])},")
    return "\n".join(lines) + "\n"


def expected_counts() -> dict[tuple, tuple[int, int, int]]:
    """(team, month) → (csat_n, nps_n, ces_sum) straight from the stored feedback."""
    counts: dict[tuple, list[int]] = {}
    for item in db.session.scalars(sa.select(Feedback)):
        bucket = counts.setdefault((item.team_id, item.received_at.date().replace(day=1)), [0, 0, 0])
        if item.metric == "csat":
            bucket[0] += 1
        elif item.metric == "nps":
            bucket[1] += 1
        else:
            bucket[2] += item.score
    return {key: tuple(value) for key, value in counts.items()}


def month_counts() -> dict[tuple, tuple[int, int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(TeamPeriod).where(TeamPeriod.grain == "month"))
    return {(r.team_id, r.period_start): (r.csat_n, r.nps_n, r.ces_sum) for r in rows}


@pytest.mark.both_databases
def test_a_csv_import_of_several_batches_counts_each_item_once_and_equals_a_rebuild(db_backend, app, monkeypatch):
    from recognition.feedback import imports

    make_team("alpha"), make_team("beta"), make_team("gamma")
    # 1,234 rows in batches of 500: two full announcement batches and a partial one.
    monkeypatch.setattr(imports, "ANNOUNCE_CHUNK", 500)
    report = import_feedback(feedback_csv("csv", 1234, ["alpha", "beta", "gamma"], seed=1))
    assert report.ok and report.added == 1234, report.errors[:3]
    db.session.commit()
    # Other ways in: a single API item, and an item announced as the demo does.
    receive_feedback({"external_id": "api-1", "received_at": "2025-03-15T10:00:00Z", "team": "alpha",
                      "metric": "csat", "score": 5}, "api")
    db.session.commit()
    team = make_team("delta")
    demo_item = Feedback(external_id="demo-1", team_id=team.id, metric="ces", score=6, comment="",
                         helper_name="", received_at=datetime(2025, 3, 15, 9), channel="csv", consent=False,
                         positive=True)
    db.session.add(demo_item)
    db.session.flush()
    feedback_received.send(current_app._get_current_object(), items=[demo_item])
    db.session.commit()

    assert month_counts() == expected_counts()
    assert _row(team, "week", date(2025, 3, 10)).ces_sum == 6
    incremental = _snapshot()
    panel.rebuild()
    db.session.commit()
    assert _snapshot() == incremental


def test_a_rolled_back_import_leaves_the_panel_untouched(app):
    make_team("alpha")
    import_feedback(feedback_csv("ok", 30, ["alpha"], seed=2))
    db.session.commit()
    before = _snapshot()
    import_feedback(feedback_csv("undone", 700, ["alpha"], seed=3))
    db.session.rollback()
    assert _snapshot() == before


@pytest.mark.postgres
def test_concurrent_csv_imports_and_api_items_are_counted_exactly(db_backend, app):
    import threading

    make_team("alpha"), make_team("beta")
    db.session.commit()
    barrier = threading.Barrier(3)
    failures = []

    def importer(prefix: str, seed: int) -> None:
        with app.app_context():
            try:
                text = feedback_csv(prefix, 800, ["alpha", "beta"], seed=seed)
                barrier.wait()
                report = import_feedback(text)
                assert report.ok and report.added == 800
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(repr(exc))
            finally:
                db.session.remove()

    def api() -> None:
        with app.app_context():
            try:
                barrier.wait()
                for i in range(40):
                    receive_feedback({"external_id": f"api-{i}", "received_at": f"2025-{i % 12 + 1:02d}-28T12:00:00Z",
                                      "team": "beta", "metric": "nps", "score": i % 11}, "api")
                    db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=importer, args=("one", 4)), threading.Thread(target=importer, args=("two", 5)),
               threading.Thread(target=api)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 1640
    assert month_counts() == expected_counts()
    incremental = _snapshot()
    panel.rebuild()
    db.session.commit()
    assert _snapshot() == incremental
