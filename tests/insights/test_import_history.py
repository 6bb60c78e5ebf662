"""`flask import-pulse-history`: all rows or none, line reports, encodings, and replace on re-import."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from engagement.insights.models import PulseHistory, TeamPeriod
from flashpoint.extensions import db
from tests.factories import make_team

HEADER = "team,period_start,driver,score,respondents\n"


@pytest.fixture
def write(tmp_path):
    def do(text: str | bytes, name="history.csv"):
        path = tmp_path / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8")
        else:
            path.write_bytes(text)
        return str(path)
    return do


def _history():
    return db.session.execute(sa.select(PulseHistory.driver, PulseHistory.score, PulseHistory.respondents)
                              .order_by(PulseHistory.driver)).all()


def test_a_good_file_is_imported_and_the_panel_shows_its_engagement(app, runner, write):
    make_team("north")
    result = runner.invoke(args=["import-pulse-history", write(
        HEADER + "north,2026-01-01,recognition,72.5,8\nnorth,2026-01-01,tools,60,12\n")])
    assert result.exit_code == 0, result.output
    assert "2 history rows added, 0 replaced" in result.output
    assert _history() == [("recognition", 72.5, 8), ("tools", 60.0, 12)]
    month = db.session.scalar(sa.select(TeamPeriod).where(TeamPeriod.grain == "month"))
    assert month.period_start == date(2026, 1, 1) and month.group_size == 12
    assert month.engagement == pytest.approx((72.5 * 8 + 60 * 12) / 20)


def test_any_bad_row_stores_nothing_and_each_is_reported_by_line(app, runner, write):
    make_team("north")
    result = runner.invoke(args=["import-pulse-history", write(
        HEADER
        + "north,2026-01-01,recognition,72.5,8\n"
        + "nowhere,2026-01-01,tools,60,12\n"
        + "north,01/02/2026,tools,60,12\n"
        + "north,2026-02-01,happiness,60,12\n"
        + "north,2026-02-01,tools,101,12\n"
        + "north,2026-02-01,growth,50,-1\n"
        + "north,2026-02-01,peers,fifty,2.5\n"
        + "north,2026-01-01,recognition,70,8\n")])
    assert result.exit_code == 1
    out = result.output
    assert "line 3: unknown team 'nowhere'" in out
    assert "line 4: period_start '01/02/2026' is not an ISO date" in out
    assert "line 5: unknown driver 'happiness'" in out
    assert "line 6: score 101 is outside 0–100" in out
    assert "line 7: respondents -1 is negative" in out
    assert "line 8: score 'fifty' is not a number; respondents '2.5' is not a whole number" in out
    assert "line 9: the same team, period_start and driver as line 2" in out
    assert "line 2:" not in out
    assert "Nothing was imported." in out
    assert _history() == []
    assert db.session.scalar(sa.select(sa.func.count(TeamPeriod.id))) == 0


def test_reimporting_a_team_period_driver_replaces_that_row(app, runner, write):
    make_team("north")
    runner.invoke(args=["import-pulse-history", write(HEADER + "north,2026-01-01,recognition,50,8\n")])
    result = runner.invoke(args=["import-pulse-history", write(
        HEADER + "north,2026-01-01,recognition,90,10\nnorth,2026-01-01,tools,70,10\n", "again.csv")])
    assert result.exit_code == 0, result.output
    assert "1 history rows added, 1 replaced" in result.output
    assert _history() == [("recognition", 90.0, 10), ("tools", 70.0, 10)]
    month = db.session.scalar(sa.select(TeamPeriod).where(TeamPeriod.grain == "month"))
    assert month.engagement == pytest.approx(80.0)


def test_a_missing_column_is_named(app, runner, write):
    result = runner.invoke(args=["import-pulse-history", write("team,period_start,driver,score\nnorth,2026-01-01,tools,5\n")])
    assert result.exit_code == 1
    assert "missing column: respondents" in result.output


def test_utf8_with_a_bom_is_read_and_other_encodings_are_refused(app, runner, write):
    make_team("straße")
    text = HEADER + "straße,2026-01-01,tools,70,9\n"
    ok = runner.invoke(args=["import-pulse-history", write(b"\xef\xbb\xbf" + text.encode("utf-8"), "bom.csv")])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(args=["import-pulse-history", write(text.encode("latin-1"), "latin.csv")])
    assert refused.exit_code == 1
    assert "not UTF-8" in refused.output
    assert len(_history()) == 1


def test_bad_rows_after_a_blank_line_are_reported_by_their_line_in_the_file(app, runner, write):
    make_team("north")
    result = runner.invoke(args=["import-pulse-history", write(
        HEADER + "north,2026-01-01,recognition,72.5,8\n\nnorth,2026-01-01,happiness,60,12\n")])
    assert result.exit_code == 1
    assert "line 4: unknown driver 'happiness'" in result.output
    assert _history() == []
