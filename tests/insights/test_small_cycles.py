"""Small cycles count nowhere, on /insights as on /pulses: a cycle answered by fewer people than the
threshold adds nothing to a team-period's engagement, drivers or eNPS, and the two pages agree."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from engagement.insights import panel
from engagement.insights.periods import period_start
from engagement.pulses.rotation import add_months, month_start
from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from tests.factories import make_team, make_user
from tests.insights.factories import add_feedback, closed_cycle, csat_scores
from tests.insights.test_panel import _row, _snapshot

FULL = {"recognition": [5] * 6, "tools": [5] * 6, "enps": [9] * 6}   # 6 people: engagement 100, eNPS +100
SMALL = {"recognition": [1, 1], "tools": [1, 1], "enps": [0, 0]}     # 2 people: engagement 0, eNPS −100


def _pulses_export(client, grain="month") -> dict[tuple[str, str], dict]:
    response = client.get(f"/pulses/export.csv?grain={grain}")
    assert response.status_code == 200
    return {(row["team"], row["period_start"]): row
            for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def _points(client, token, grain, first, last) -> dict[tuple[str, str], float]:
    body = client.get("/api/v1/insights/correlation", headers={"Authorization": f"Bearer {token}"},
                      query_string={"grain": grain, "from": first.isoformat(), "to": last.isoformat()}).get_json()
    return {(p["team"], p["period_start"]): p["engagement"] for p in body["points"]}


@pytest.mark.both_databases
def test_a_small_cycle_adds_nothing_and_pulses_and_correlation_points_agree(db_backend, app, client, login):
    month = add_months(month_start(utcnow().date()), -1)
    full_day, small_day = month + timedelta(days=2), month + timedelta(days=16)   # different weeks
    mixed, tiny = make_team("mixed", "Mixed"), make_team("tiny", "Tiny")
    closed_cycle(mixed, full_day, FULL, respondents=6)
    closed_cycle(mixed, small_day, SMALL, respondents=2)
    closed_cycle(tiny, full_day, SMALL, respondents=2)
    for team in (mixed, tiny):
        for day in (full_day, small_day):
            add_feedback(team, "csat", csat_scores(60), day)

    # The panel: only the full cycle's answers; the group is the largest cycle.
    row = _row(mixed, "month", month)
    assert row.group_size == 6
    assert row.engagement == pytest.approx(100.0) and row.enps == pytest.approx(100.0)
    assert row.drivers == pytest.approx({"recognition": 100.0, "tools": 100.0})
    small_week = _row(mixed, "week", period_start(small_day, "week"))
    assert small_week.group_size == 2 and small_week.engagement is None and small_week.enps is None
    assert small_week.drivers == {}
    tiny_month = _row(tiny, "month", month)
    assert tiny_month.group_size == 2 and tiny_month.engagement is None and tiny_month.enps is None

    # The incremental path (cycles closed one by one) equals a rebuild.
    incremental = _snapshot()
    panel.rebuild()
    db.session.commit()
    assert _snapshot() == incremental

    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()
    login(make_user("hr"))

    pulses = _pulses_export(client)
    points = _points(client, token, "month", month, add_months(month, 1) - timedelta(days=1))
    key = ("mixed", month.isoformat())
    assert pulses[key]["engagement"] == "100.0" and pulses[key]["enps"] == "100.0"
    assert points == {key: pytest.approx(float(pulses[key]["engagement"]))}   # tiny: hidden on both
    assert pulses[("tiny", month.isoformat())]["engagement"] == ""

    weekly = _pulses_export(client, "week")
    points = _points(client, token, "week", month - timedelta(days=7), add_months(month, 1) - timedelta(days=1))
    full_key = ("mixed", period_start(full_day, "week").isoformat())
    small_key = ("mixed", period_start(small_day, "week").isoformat())
    assert weekly[full_key]["engagement"] == "100.0" and points[full_key] == pytest.approx(100.0)
    assert weekly[small_key]["engagement"] == "" and small_key not in points
    assert {team for team, _ in points} == {"mixed"}


def test_the_threshold_is_the_pulses_one_never_below_three(app):
    """PULSE_MIN_GROUP_SIZE under 3 still pools no cycle of 2 (anonymity.min_group_size decides)."""
    app.config["PULSE_MIN_GROUP_SIZE"] = 2
    day = add_months(month_start(utcnow().date()), -1)
    team = make_team("pair")
    closed_cycle(team, day, SMALL, respondents=2)
    row = _row(team, "month", day)
    assert row.group_size == 2 and row.engagement is None and row.drivers == {}
