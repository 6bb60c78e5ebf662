"""Small groups stay hidden on /insights, its chart data, its exports and the correlation API, imported
history included: a driver score that fewer than the threshold gave counts in no figure."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.people.models import Team
from tests.factories import make_team, make_user
from tests.insights.factories import add_feedback, csat_scores, import_history
from tests.insights.test_panel import _row


def _team(slug):
    return db.session.scalar(db.select(Team).where(Team.slug == slug))


MONTHS = [date(2025, m, 1) for m in range(1, 7)]
RANGE = {"from": "2025-01-01", "to": "2025-06-30"}


def _plant():
    """Four shops with history answered by 8 people; the crew's "tools" answered by 2 only,
    who scored it 0 (a value nothing else has)."""
    rows = []
    for t in range(4):
        slug = f"shop-{t}"
        team = make_team(slug, name=f"Shop {t}")
        for i, month in enumerate(MONTHS):
            rows.append((slug, month.isoformat(), "recognition", 50 + 5 * t + 3 * i, 8))
            rows.append((slug, month.isoformat(), "growth", 40 + 5 * t + 2 * i, 8))
            if t == 0:
                rows.append((slug, month.isoformat(), "tools", 0, 2))
            add_feedback(team, "csat", csat_scores(min(100, 30 + 10 * t + 10 * (i % 3))), month)
    import_history(rows)


def test_a_history_driver_given_by_fewer_than_the_threshold_counts_in_no_figure(app):
    _plant()
    row = _row(_team("shop-0"), "month", MONTHS[0])
    assert "tools" not in row.drivers
    # The engagement is the respondent-weighted mean of the drivers that may be shown: (50·8 + 40·8) / 16.
    assert row.engagement == pytest.approx(45.0)
    assert row.group_size == 8


def test_the_api_the_page_and_the_exports_never_carry_a_small_driver_group(app, client, login):
    _plant()
    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()
    body = client.get("/api/v1/insights/correlation", query_string=RANGE,
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    crew = [p for p in body["points"] if p["team"] == "shop-0"]
    assert crew and all(p["engagement"] == pytest.approx(45.0 + 2.5 * i) for i, p in enumerate(crew))

    login(make_user("hr"))
    chart = client.get("/insights/data.json", query_string=RANGE).get_json()
    assert "Tools" not in chart["heatmap"]["drivers"]
    points = client.get("/insights/export.csv", query_string={**RANGE, "part": "points"}).get_data(as_text=True)
    for line in csv.DictReader(io.StringIO(points)):
        assert line["tools"] == "", line
    page = client.get("/insights", query_string=RANGE).get_data(as_text=True)
    assert ">Tools<" not in page


def test_a_history_period_whose_every_row_is_small_is_hidden_everywhere(app, client, login):
    _plant()
    kiosk = make_team("kiosk", name="Tiny Kiosk")
    import_history([("kiosk", m.isoformat(), "recognition", 99, 3) for m in MONTHS])
    for month in MONTHS:
        add_feedback(kiosk, "csat", csat_scores(0), month)
    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()
    body = client.get("/api/v1/insights/correlation", query_string=RANGE,
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert "kiosk" not in {p["team"] for p in body["points"]}
    login(make_user("hr"))
    chart = client.get("/insights/data.json", query_string=RANGE).get_json()
    assert "Tiny Kiosk" not in chart["heatmap"]["teams"]
    assert "Tiny Kiosk" not in {t["team"] for t in chart["trends"]}
    for part in ("points", "figures"):
        assert "kiosk" not in client.get("/insights/export.csv", query_string={**RANGE, "part": part}).get_data(as_text=True)
    assert "Tiny Kiosk" not in client.get("/insights", query_string=RANGE).get_data(as_text=True)
