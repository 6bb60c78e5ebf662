"""The insights demo step: history only where a team-month has feedback and no pulse, with a link
the page then finds."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from engagement.insights import analysis, page
from engagement.insights.demo import load_demo
from engagement.insights.models import PulseHistory
from flashpoint.extensions import db
from tests.factories import make_team, make_user
from tests.insights.factories import add_feedback_bulk, closed_cycle, csat_scores, month_start


def test_demo_fills_months_without_pulses_with_history_linked_to_csat(app):
    rng = random.Random(3)
    items = []
    teams = [make_team(f"demo-{t}") for t in range(6)]
    for team in teams:
        for _ in range(7):
            make_user("staff", team, password=None)
        for m in range(12):
            start = month_start(2025, 1, m)
            percent = rng.choice(range(20, 101, 10))
            items += [(team.slug, "csat", s, datetime(start.year, start.month, 5) + timedelta(minutes=k))
                      for k, s in enumerate(csat_scores(percent))]
    add_feedback_bulk(items)
    closed_cycle(teams[0], date(2025, 12, 2), {"recognition": [4, 4, 5, 3, 4]}, respondents=5)

    load_demo(random.Random(1))
    db.session.commit()

    months = {(r.team_id, r.period_start) for r in db.session.scalars(sa.select(PulseHistory))}
    assert len(months) == 6 * 12 - 1
    assert (teams[0].id, date(2025, 12, 1)) not in months  # a month with a live pulse keeps it
    query = analysis.parse_query({"from": "2025-01-01", "to": "2025-12-31"})
    result = page.report(query)
    assert result["figures"][0]["n"] == 72
    assert result["figures"][0]["ci_low"] > 0
    top = [row["driver"] for row in result["drivers"]["rows"][:2]]
    assert "recognition" in top
