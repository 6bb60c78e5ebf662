"""GET /api/v1/insights/correlation: figures equal to scipy's on the returned points, planted links and
leads found, the threshold respected, 400s for bad queries and nulls with reasons."""
from __future__ import annotations

import math
import random
from datetime import date

import pytest
from scipy import stats as sps

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from tests.factories import make_team
from tests.insights.factories import plant_months

URL = "/api/v1/insights/correlation"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def token(app):
    _, value = create_token("analyst", ["insights:read"])
    db.session.commit()
    return value


@pytest.fixture
def get(client, token):
    def do(**params):
        return client.get(URL, query_string=params, headers={"Authorization": f"Bearer {token}"})
    return do


def _fisher(r, n, spearman=False):
    """Pearson's variance 1/(n−3); Spearman's is Bonett–Wright's (1 + r²/2)/(n−3)."""
    half = 1.96 * math.sqrt((1 + r * r / 2 if spearman else 1) / (n - 3))
    return math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)


def _plant_lead(seed=1, n_teams=8, months=12, lead=1):
    """Engagement random; CSAT `lead` months later follows it; CSAT in the same month does not."""
    rng = random.Random(seed)
    engagement, csat = {}, {}
    for t in range(n_teams):
        slug = f"team-{t}"
        make_team(slug)
        e = [round(rng.uniform(40, 90), 1) for _ in range(months)]
        c = [rng.choice(range(30, 101, 10)) for _ in range(months + lead)]
        for m in range(months):
            c[m + lead] = int(min(100, max(0, round((e[m] - 40) * 1.4 + 30 + rng.gauss(0, 6), -1))))
        engagement[slug], csat[slug] = e, c
    plant_months(engagement, csat, date(2025, 1, 1))
    return engagement, csat


def test_figures_equal_scipy_on_the_points_returned(app, get):
    engagement, csat = _plant_lead()
    body = get(lag=1, **YEAR).get_json()
    points = body["points"]
    assert body["n"] == len(points) == 8 * 12 and body["teams"] == 8
    x = [p["engagement"] for p in points]
    y = [p["customer"] for p in points]
    for p in points:  # the planted values, unrounded: engagement of t, CSAT of t + 1
        month = date.fromisoformat(p["period_start"]).month
        assert p["engagement"] == pytest.approx(engagement[p["team"]][month - 1])
        assert p["customer"] == pytest.approx(csat[p["team"]][month])
    for name, fn in (("pearson", sps.pearsonr), ("spearman", sps.spearmanr)):
        expected = fn(x, y)
        low, high = _fisher(expected.statistic, len(x), spearman=name == "spearman")
        figure = body[name]
        assert figure["r"] == pytest.approx(expected.statistic, abs=1e-12)
        assert figure["p"] == pytest.approx(expected.pvalue, rel=1e-6)
        assert (figure["ci_low"], figure["ci_high"]) == pytest.approx((low, high), abs=1e-12)
    within = body["within_team"]
    assert within["n"] == 96 and within["teams"] == 8
    assert within["spearman"]["r"] is not None and within["pearson"]["ci_low"] > 0


def test_the_lag_profile_finds_a_planted_lead(app, get):
    _plant_lead(seed=2, lead=1)
    r_by_lag = {lag: get(lag=lag, **YEAR).get_json()["pearson"]["r"] for lag in range(-3, 4)}
    assert max(r_by_lag, key=r_by_lag.get) == 1
    assert r_by_lag[1] > 0.8
    same_period = get(lag=0, **YEAR).get_json()["pearson"]
    assert same_period["ci_low"] < 0 < same_period["ci_high"]


@pytest.mark.both_databases
def test_small_teams_stay_out_of_every_point_and_figure(db_backend, app, get):
    make_team("big-1"), make_team("big-2"), make_team("tiny")
    plant_months({"big-1": [60, 70, 80], "big-2": [50, 65, 75]}, {"big-1": [60, 70, 90], "big-2": [40, 60, 80]},
                 date(2025, 1, 1))
    plant_months({"tiny": [90, 20, 55]}, {"tiny": [10, 100, 50]}, date(2025, 1, 1), respondents=4)
    body = get(**YEAR).get_json()
    assert {p["team"] for p in body["points"]} == {"big-1", "big-2"}
    assert body["n"] == 6 and body["teams"] == 2


def test_one_team_gives_nulls_with_reasons_not_numbers(app, get):
    make_team("solo")
    plant_months({"solo": [60, 70, 80, 65]}, {"solo": [60, 70, 90, 50]}, date(2025, 1, 1))
    body = get(**YEAR).get_json()
    assert body["n"] == 4 and body["teams"] == 1
    for figure in (body["pearson"], body["spearman"], body["within_team"]["pearson"], body["within_team"]["spearman"]):
        assert figure["r"] is None and figure["ci_low"] is None and figure["ci_high"] is None and figure["p"] is None
        assert "2 teams" in figure["reason"]


def test_constant_customer_scores_give_null_with_a_reason(app, get):
    make_team("a"), make_team("b")
    plant_months({"a": [60, 70], "b": [50, 80]}, {"a": [80, 80], "b": [80, 80]}, date(2025, 1, 1))
    body = get(**YEAR).get_json()
    assert body["pearson"]["r"] is None and "same at every" in body["pearson"]["reason"]


def test_an_empty_period_answers_zero_points_and_nulls(app, get):
    body = get(**{"from": "2020-01-01", "to": "2020-06-30"}).get_json()
    assert body["n"] == 0 and body["teams"] == 0 and body["points"] == []
    assert body["spearman"]["r"] is None and body["spearman"]["reason"]


@pytest.mark.parametrize("params, field", [
    ({"metric": "happiness"}, "metric"),
    ({"lag": "4"}, "lag"),
    ({"lag": "-4"}, "lag"),
    ({"lag": "one"}, "lag"),
    ({"grain": "year"}, "grain"),
    ({"from": "2025-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2025-06-01", "to": "2025-01-01"}, "from"),
])
def test_bad_queries_answer_400_naming_the_field(app, get, params, field):
    response = get(**params)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_tokens_without_the_scope_are_refused(app, client):
    _, feedback_only = create_token("intake", ["feedback:write"])
    db.session.commit()
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": f"Bearer {feedback_only}"}).status_code == 403


def test_the_endpoint_is_in_the_generated_openapi_document(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/insights/correlation"]["get"]
    assert operation["x-required-scope"] == "insights:read"
    assert {p["name"] for p in operation["parameters"]} >= {"metric", "grain", "lag", "from", "to"}
    assert "Correlation" in doc["components"]["schemas"]
    from openapi_spec_validator import validate
    validate(doc)


def test_weighting_by_feedback_items_changes_the_estimate_as_weighted_pearson(app, get):
    from datetime import datetime, timedelta

    import numpy as np

    from tests.insights.factories import add_feedback_bulk, csat_scores

    _plant_lead(seed=4, n_teams=5, months=6)
    # Extra, happy feedback for one team in March: that point now rests on 30 items, not 10.
    add_feedback_bulk([("team-0", "csat", s, datetime(2025, 3, 20, 9) + timedelta(minutes=k))
                       for k, s in enumerate(csat_scores(100, 20))])
    plain = get(**{"from": "2025-01-01", "to": "2025-06-30"}).get_json()
    weighted = get(weight="feedback", **{"from": "2025-01-01", "to": "2025-06-30"}).get_json()
    assert weighted["weight"] == "feedback" and weighted["n"] == plain["n"] == 30
    x = np.array([p["engagement"] for p in weighted["points"]])
    y = np.array([p["customer"] for p in weighted["points"]])
    w = np.array([30.0 if (p["team"], p["period_start"]) == ("team-0", "2025-03-01") else 10.0
                  for p in weighted["points"]])
    cov = np.cov(x, y, aweights=w)
    assert weighted["pearson"]["r"] == pytest.approx(cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1]), abs=1e-12)
    assert weighted["pearson"]["r"] != pytest.approx(plain["pearson"]["r"], abs=1e-6)


@pytest.mark.both_databases
def test_weekly_points_start_on_mondays(db_backend, app, get):
    from datetime import datetime, timedelta

    from tests.insights.factories import add_feedback_bulk, csat_scores, import_history

    for slug in ("w-1", "w-2"):
        make_team(slug)
    rows, items = [], []
    for week in range(4):
        monday = date(2025, 3, 3) + timedelta(weeks=week)
        for slug, base in (("w-1", 60), ("w-2", 70)):
            # History dated mid-week counts in the week that contains it.
            rows.append((slug, (monday + timedelta(days=2)).isoformat(), "peers", base + 3 * week, 6))
            items += [(slug, "csat", s, datetime.combine(monday + timedelta(days=4), datetime.min.time()) + timedelta(minutes=k))
                      for k, s in enumerate(csat_scores(40 + 10 * week + (base - 60)))]
    import_history(rows)
    add_feedback_bulk(items)
    body = get(grain="week", **{"from": "2025-03-01", "to": "2025-03-31"}).get_json()
    assert body["n"] == 8
    assert {date.fromisoformat(p["period_start"]).weekday() for p in body["points"]} == {0}
    assert body["pearson"]["r"] > 0.8
    assert body["within_team"]["pearson"]["r"] == pytest.approx(1.0)  # each team: CSAT +10 per +3 engagement


def test_the_default_range_is_the_twelve_months_up_to_to(app, get):
    body = get(to="2025-12-31").get_json()
    assert (body["from"], body["to"]) == ("2025-01-01", "2025-12-31")
    from flashpoint.timeutil import utcnow
    today = get().get_json()
    assert today["to"] == utcnow().date().isoformat()


@pytest.mark.parametrize("key, value", [("from", "0001-01-01"), ("to", "9999-12-31")])
def test_dates_at_the_ends_of_the_calendar_answer_400_naming_the_field(get, key, value):
    response = get(**{key: value})
    assert response.status_code == 400
    assert "outside the dates insights cover" in response.get_json()["errors"][key]


def test_a_to_early_in_1900_defaults_from_to_the_first_date_covered(app, get):
    """Found by fuzzing the OpenAPI document: `to=1900-07-23` alone answered `"from": "1899-07-24"`,
    a date the document's own response schema does not allow."""
    body = get(to="1900-07-23").get_json()
    assert body["from"] == "1900-01-01" and body["to"] == "1900-07-23"
    assert get(to="1901-07-23").get_json()["from"] == "1900-07-24"


@pytest.mark.parametrize("params", [dict(lag="1", **YEAR), dict(metric="nps", weight="feedback", **YEAR),
                                    {"from": "2030-01-01", "to": "2030-12-31"}])
def test_the_points_written_from_the_arrays_are_the_bytes_flask_writes(app, get, params):
    """The answer's points are written straight from the arrays; the body is byte for byte what
    Flask's jsonify makes of the same answer as dicts (including no points at all)."""
    from flask import jsonify

    from engagement.insights import analysis

    _plant_lead()
    make_team("équipe-naïve")  # a name JSON must escape, though it has no points
    body = get(**params).get_data()
    with app.test_request_context():
        query = analysis.parse_query(params, allow_method=False, strict=True)
        assert body == jsonify(analysis.correlation_payload(query)).get_data()
