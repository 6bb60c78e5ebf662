"""Kept insights answers (engagement/insights/cache.py): a repeated page or API call is answered from
the process's copy, and any change to the panel rows in range or to the teams is seen at once."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engagement.insights import cache
from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.people.models import Team
from tests.factories import make_team, make_user
from tests.insights.factories import add_feedback, closed_cycle, import_history, plant_months
from tests.sqlcount import count_statements

URL = "/api/v1/insights/correlation"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def _plant(n_teams: int = 4, months: int = 6) -> None:
    engagement, csat = {}, {}
    for t in range(n_teams):
        slug = f"shop-{t}"
        make_team(slug, name=f"Shop {t}")
        engagement[slug] = [40 + 7 * t + 3 * m for m in range(months)]
        csat[slug] = [min(100, 30 + 10 * ((t + m) % 5)) for m in range(months)]
    plant_months(engagement, csat, date(2025, 1, 1))


@pytest.fixture
def api(app, client):
    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()

    def get():
        response = client.get(URL, query_string=YEAR, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        return response.get_json()
    return get


def _point(body, slug, month):
    return next(p for p in body["points"] if p["team"] == slug and p["period_start"] == month)


@pytest.mark.both_databases
def test_a_kept_answer_is_reused_until_the_panel_or_the_teams_change(db_backend, app, api):
    _plant()
    first = api()
    with count_statements() as again:
        assert api() == first
    assert len(again) <= 4, again  # token, fingerprints; no panel read
    before = _point(first, "shop-0", "2025-03-01")["customer"]

    add_feedback(db.session.scalar(db.select(Team).where(Team.slug == "shop-0")), "csat", [1] * 40,
                 datetime(2025, 3, 10, 12))   # the panel's counters move
    db.session.commit()
    assert _point(api(), "shop-0", "2025-03-01")["customer"] < before

    team = db.session.scalar(db.select(Team).where(Team.slug == "shop-1"))
    team.slug = "shop-renamed"                 # the answer names teams by slug
    db.session.commit()
    assert {p["team"] for p in api()["points"]} >= {"shop-renamed"}

    import_history([("shop-2", "2025-04-01", "recognition", 12, 6)])   # engagement of one team-month
    db.session.commit()
    assert _point(api(), "shop-2", "2025-04-01")["engagement"] != _point(first, "shop-2", "2025-04-01")["engagement"]


def test_a_closing_cycle_and_the_threshold_reach_the_page(app, client, login):
    _plant(n_teams=3)
    login(make_user("hr"))
    team = db.session.scalar(db.select(Team).where(Team.slug == "shop-0"))
    closed_cycle(team, date(2025, 8, 4), {"recognition": [5] * 6}, respondents=6)   # a new team-month
    db.session.commit()
    data = client.get("/insights/data.json", query_string=YEAR).get_json()
    assert any("2025-08-01" in trend["periods"] for trend in data["trends"] if trend["slug"] == "shop-0")
    app.config["PULSE_MIN_GROUP_SIZE"] = 50   # no group is that large: nothing may be shown
    assert "No team-periods to compare" in client.get("/insights", query_string=YEAR).get_data(as_text=True)
    cache.clear()
    assert "No team-periods to compare" in client.get("/insights", query_string=YEAR).get_data(as_text=True)


@pytest.mark.both_databases
def test_a_changed_answer_is_shown_while_its_successor_is_computed_in_the_background(db_backend, app, api):
    """Within INSIGHTS_MAX_STALE_SECONDS the kept answer is shown at once and the next visit gets the
    new one; past it, the request computes before answering."""
    app.config["INSIGHTS_MAX_STALE_SECONDS"] = 600
    _plant()
    first = api()
    before = _point(first, "shop-0", "2025-03-01")["customer"]
    add_feedback(db.session.scalar(db.select(Team).where(Team.slug == "shop-0")), "csat", [1] * 40,
                 datetime(2025, 3, 10, 12))
    db.session.commit()
    with count_statements(this_thread_only=True) as stale:  # not the background thread's own
        assert api() == first  # the kept answer, while a thread computes the new one
    assert len(stale) <= 4, stale
    cache.wait_for_refreshes()
    with count_statements() as fresh:
        refreshed = api()
    assert len(fresh) <= 4, fresh  # computed in the background, kept
    assert _point(refreshed, "shop-0", "2025-03-01")["customer"] < before

    app.config["INSIGHTS_MAX_STALE_SECONDS"] = 0
    add_feedback(db.session.scalar(db.select(Team).where(Team.slug == "shop-1")), "csat", [1] * 40,
                 datetime(2025, 3, 11, 12))
    db.session.commit()
    assert api() != refreshed
