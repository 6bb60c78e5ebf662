"""FEEDBACK_TEXT_RETENTION_MONTHS: customers' words older than that are emptied by a daily duty;
scores and every figure stay; each run that empties something is in the audit log."""
from __future__ import annotations

from datetime import datetime

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import AuditEvent
from recognition.feedback.models import Feedback
from recognition.feedback.retention import clear_old_text, months_before
from tests.factories import make_team

NOW = datetime(2026, 12, 7, 3, 0)


@pytest.fixture
def app_overrides():
    return {"FEEDBACK_TEXT_RETENTION_MONTHS": 18}


def _feedback(team, when, comment):
    item = Feedback(team=team, metric="csat", score=5, comment=comment, helper_name="Priya", consent=True,
                    received_at=when, channel="form", positive=True, external_id=f"t-{when:%Y%m%d}")
    db.session.add(item)
    return item


def test_old_words_go_scores_stay_and_the_run_is_recorded(app):
    team = make_team("shop")
    old = _feedback(team, datetime(2025, 6, 6, 12, 0), "Priya was lovely, call me on 0207")
    kept = _feedback(team, datetime(2025, 6, 8, 12, 0), "Still within the 18 months")
    db.session.commit()
    assert clear_old_text(NOW) == 1
    db.session.commit()
    db.session.expire_all()
    assert (old.comment, old.helper_name, old.score, old.positive) == ("", "", 5, True)
    assert kept.comment == "Still within the 18 months" and kept.helper_name == "Priya"
    [event] = db.session.scalars(db.select(AuditEvent)).all()
    assert event.action == "retention" and "1 feedback items received before 07 Jun 2025" in event.detail
    assert clear_old_text(NOW) == 0  # nothing more to empty, nothing more recorded
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 1


def test_the_duty_runs_from_the_scheduler(app, runner):
    team = make_team("shop")
    _feedback(team, datetime(2024, 1, 1), "Long ago")
    db.session.commit()
    result = runner.invoke(args=["tick", "--now", "2026-12-07T03:00:00"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(Feedback.comment)) == ""


@pytest.mark.parametrize("now, months, expected", [
    (datetime(2026, 3, 31, 9), 1, datetime(2026, 2, 28, 9)),
    (datetime(2026, 12, 7), 18, datetime(2025, 6, 7)),
    (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
])
def test_months_before(now, months, expected):
    assert months_before(now, months) == expected
