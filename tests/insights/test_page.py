"""The /insights page and its exports: who may see it, the figures and verdicts shown, the plain
explanations of empty and bad states, CSV exports, and plotly.js served from the installed package."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date

import pytest

from flashpoint.extensions import db
from tests.factories import make_manager, make_team, make_user
from tests.insights.factories import plant_months

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def hr(app):
    return make_user("hr")


def _plant(n_teams=4, months=6, small=False):
    engagement, csat = {}, {}
    for t in range(n_teams):
        slug = f"shop-{t}"
        make_team(slug, name=f"Shop {t}")
        engagement[slug] = [50 + 5 * t + 3 * m for m in range(months)]
        csat[slug] = [min(100, 30 + 10 * t + 10 * (m % 3)) for m in range(months)]
    plant_months(engagement, csat, date(2025, 1, 1))
    if small:
        make_team("kiosk", name="Tiny Kiosk")
        plant_months({"kiosk": [95] * months}, {"kiosk": [0] * months}, date(2025, 1, 1), respondents=3)


@pytest.mark.parametrize("role, status", [("hr", 200), ("admin", 200), ("manager", 403), ("staff", 403)])
def test_hr_and_admins_see_insights_others_are_refused(app, client, login, role, status):
    team = make_team()
    login(make_manager(team) if role == "manager" else make_user(role, team))
    assert client.get("/insights").status_code == status
    assert client.get("/insights/export.csv").status_code == status
    nav = client.get("/").get_data(as_text=True)
    assert ('href="/insights"' in nav) == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    response = client.get("/insights")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_shows_figures_verdicts_and_chart_data_without_inline_script(app, client, login, hr):
    _plant(small=True)
    login(hr)
    response = client.get("/insights", query_string=YEAR)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Higher engagement goes with higher CSAT" in html or "No clear link" in html
    assert "Within teams" in html and "Within departments" in html and "Which customer score?" in html
    assert "Benjamini" in html and "Shapley" in html
    assert "Tiny Kiosk" not in html  # below the threshold: in no table, chart or list
    assert '"scatter"' not in html  # the points come from the chart data endpoint, not inline
    url = re.search(r'id="insights-data" data-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    data = client.get(url).get_json()
    scatter = data["scatter"]
    assert len(scatter["team"]) == 24 and set(scatter["teams"]) == {f"Shop {t}" for t in range(4)}
    assert len(scatter["period"]) == len(scatter["engagement"]) == len(scatter["customer"]) == 24
    assert "Tiny Kiosk" not in data["heatmap"]["teams"] and len(data["lags"]) == 7
    assert client.get("/insights/data.json?metric=nope").status_code == 400
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert script[1].strip() == "" and "src=" in script[0]
    assert "onclick" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_too_few_teams_warns_with_the_number_needed(app, client, login, hr):
    _plant(n_teams=3)
    login(hr)
    html = client.get("/insights", query_string=YEAR).get_data(as_text=True)
    assert "Only 3 teams" in html and "85 teams" in html


def test_one_team_is_explained_not_computed(app, client, login, hr):
    _plant(n_teams=1)
    login(hr)
    html = client.get("/insights", query_string=YEAR).get_data(as_text=True)
    assert "Not enough data to say" in html and "there is 1 team" in html
    assert "nan" not in html.lower().replace("nanny", "")


def test_constant_scores_are_explained(app, client, login, hr):
    make_team("a"), make_team("b")
    plant_months({"a": [60, 70, 65], "b": [50, 80, 55]}, {"a": [70, 70, 70], "b": [70, 70, 70]}, date(2025, 1, 1))
    login(hr)
    html = client.get("/insights", query_string=YEAR).get_data(as_text=True)
    assert "the customer score is the same at every team-period, so a correlation is undefined" in html


def test_an_empty_period_says_why_there_is_nothing(app, client, login, hr):
    login(hr)
    html = client.get("/insights", query_string={"from": "2020-01-01", "to": "2020-03-31"}).get_data(as_text=True)
    assert "No team-periods to compare" in html and "import-pulse-history" in html


@pytest.mark.parametrize("params, message", [
    ({"metric": "happiness"}, "Unknown metric &#39;happiness&#39;: use csat, nps or ces."),
    ({"lag": "7"}, "The lag runs from -3 to 3 periods; 7 is out of range."),
    ({"from": "2025-02-30"}, "is not an ISO date"),
])
def test_bad_settings_are_explained_with_a_400(app, client, login, hr, params, message):
    login(hr)
    response = client.get("/insights", query_string=params)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "These settings cannot be used" in html and message in html


def test_exports_carry_the_points_and_figures_over_the_threshold_only(app, client, login, hr):
    _plant(small=True)
    login(hr)
    points = client.get("/insights/export.csv", query_string={**YEAR, "part": "points", "lag": "1"})
    assert points.status_code == 200 and points.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(points.get_data(as_text=True))))
    assert len(rows) == 4 * 5  # lag 1: the last month has no later CSAT
    assert {r["team"] for r in rows} == {f"shop-{t}" for t in range(4)}
    first = next(r for r in rows if r["team"] == "shop-1" and r["period_start"] == "2025-01-01")
    assert float(first["engagement"]) == 55.0 and float(first["csat"]) == 50.0  # February's CSAT
    figures = client.get("/insights/export.csv", query_string={**YEAR, "part": "figures"})
    table = list(csv.DictReader(io.StringIO(figures.get_data(as_text=True))))
    sections = {r["section"] for r in table}
    assert sections == {"figures", "by_metric", "lags", "drivers"}
    assert any(r["section"] == "drivers" and r["p_adjusted"] for r in table)
    assert "kiosk" not in figures.get_data(as_text=True)


def test_plotly_is_served_by_the_app_under_a_fingerprint_browsers_keep(app, client, login, hr):
    _plant(small=True)
    login(hr)
    html = client.get("/insights", query_string=YEAR).get_data(as_text=True)
    src = re.search(r'<script src="(/insights/plotly-[0-9a-f]{12}\.min\.js)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    body = response.get_data()
    assert len(body) > 1_000_000 and b"plotly" in body[:2000].lower()
    assert hashlib.sha256(body).hexdigest()[:12] in src
    assert client.get("/insights/plotly.min.js").headers["Location"].endswith(src)
    assert client.get("/insights/plotly-000000000000.min.js").headers["Location"].endswith(src)
    # Pages without charts do not send it: the home page, and insights with nothing to draw.
    assert "plotly" not in client.get("/").get_data(as_text=True)
    empty = client.get("/insights", query_string={"from": "2001-01-01", "to": "2001-12-31"}).get_data(as_text=True)
    assert "plotly" not in empty


def test_the_page_answers_in_words_first_and_folds_the_statistics(app, client, login, hr):
    _plant(small=True)
    login(hr)
    html = client.get("/insights", query_string=YEAR).get_data(as_text=True)
    answer = re.search(r'<p class="plain-answer"><strong>(Yes|No|Not known yet)\.</strong>([^<]*)</p>', html)
    assert answer, "the page must open with a yes / no / not known yet sentence"
    assert html.index("plain-answer") < html.index('id="chart-scatter"') < html.index("For analysts")
    analysts = html[html.index("<details class=\"card for-analysts\""):html.index("</details>", html.index("For analysts"))]
    assert "Within teams" in analysts and "Lead or follow?" in analysts and "Benjamini" in analysts
    assert "flash-warning" not in html  # nothing shouted above the answer can contradict it
    if answer.group(1) == "Not known yet":
        assert "more team" in answer.group(2)


def _corr(r, low, high, teams, n=None):
    from engagement.insights.stats import Coefficient, Correlation

    coef = Coefficient(r=r, ci_low=low, ci_high=high, p=0.01)
    return Correlation(n=n or teams * 12, teams=teams, pearson=coef, spearman=coef, effective_n=n or teams * 12)


@pytest.mark.parametrize("corr, word, words", [
    (_corr(0.4, 0.2, 0.55, teams=120), "Yes", "at least weak"),
    (_corr(0.05, -0.1, 0.2, teams=120), "No", "would have shown"),
    (_corr(0.2, -0.1, 0.45, teams=20, n=60), "Not known yet", "about 65 more teams"),
    (_corr(-0.4, -0.6, -0.2, teams=120), "No", "opposite"),
])
def test_the_plain_answer_claims_no_more_than_the_interval_and_the_teams_allow(corr, word, words):
    from engagement.insights.page import plain_answer

    answer = plain_answer(corr, "spearman", "CSAT", periods=12, grain="month")
    assert answer["word"] == word
    assert words in answer["sentence"] + " " + (answer["settle"] or "")


def test_not_known_yet_says_how_many_more_months_would_settle_it():
    from engagement.insights.page import plain_answer

    answer = plain_answer(_corr(0.2, -0.1, 0.45, teams=20, n=60), "spearman", "CSAT", periods=12, grain="month")
    # 60 effective points over 12 months: 5 a month, 25 more to reach 85 → 5 more months.
    assert answer["settle"] == "It would take about 65 more teams taking part in pulses, or about 5 more months of pulses."


@pytest.mark.parametrize("params", [{"from": "0001-01-01"}, {"to": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_explained_with_a_400(app, client, login, hr, params):
    login(hr)
    response = client.get("/insights", query_string=params)
    assert response.status_code == 400
    assert "is outside the dates insights cover" in response.get_data(as_text=True)
    assert client.get("/insights/export.csv", query_string=params).status_code == 400
