"""Regression guard: /insights, its chart data and the correlation API cost the same number of SQL
statements whatever the number of teams, periods or feedback items behind them, on both databases
(everything is read from the team-period panel in a few statements), both when computed and when
answered from the process's kept copy (two fingerprint statements, no panel read)."""
from __future__ import annotations

from datetime import date

import pytest

from engagement.insights import cache
from flashpoint.api.services import create_token
from flashpoint.extensions import db
from tests.factories import make_team, make_user
from tests.insights.factories import plant_months
from tests.sqlcount import count_statements

RANGE = {"from": "2025-01-01", "to": "2025-12-31"}


def _plant(first_team: int, n_teams: int, months: int) -> None:
    engagement, csat = {}, {}
    for t in range(first_team, first_team + n_teams):
        slug = f"shop-{t}"
        make_team(slug, name=f"Shop {t}")
        engagement[slug] = [40 + 5 * (t % 7) + 2 * m for m in range(months)]
        csat[slug] = [min(100, 30 + 10 * (t % 5) + 10 * (m % 3)) for m in range(months)]
    plant_months(engagement, csat, date(2025, 1, 1))


def _counts(client, headers) -> dict[str, int]:
    found = {}
    for url, kind in (("/insights", None), ("/insights/data.json", None), ("/insights", "week"),
                      ("/api/v1/insights/correlation", None), ("/api/v1/insights/correlation", "week")):
        params = dict(RANGE, **({"grain": kind} if kind else {}))
        extra = headers if url.startswith("/api") else {}
        assert client.get(url, query_string=params, headers=extra).status_code == 200  # warm
        cache.clear()
        with count_statements() as counted:
            assert client.get(url, query_string=params, headers=extra).status_code == 200
        found[f"{url} {kind or 'month'}"] = counted
        with count_statements() as counted:
            assert client.get(url, query_string=params, headers=extra).status_code == 200
        found[f"{url} {kind or 'month'} kept"] = counted
    return found


@pytest.mark.both_databases
def test_insights_statements_do_not_grow_with_teams_periods_or_feedback(db_backend, app, client, login):
    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    _plant(0, 3, 4)
    login(make_user("hr"))
    before = _counts(client, headers)
    _plant(3, 5, 10)
    grown = _counts(client, headers)
    for key, counted in before.items():
        assert len(grown[key]) == len(counted), (key, counted, grown[key])
        assert len(counted) <= (6 if key.endswith("kept") else 12), (key, counted)
