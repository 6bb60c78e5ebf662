"""The insights page in a real Chromium: every chart draws, under the app's CSP, with no console errors."""
from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_team, make_user
from tests.insights.factories import plant_months

pytestmark = pytest.mark.browser


def test_charts_render_under_the_csp_without_console_errors(app, app_url, chromium):
    hr = make_user("hr")
    engagement, csat = {}, {}
    for t in range(4):
        make_team(f"shop-{t}", name=f"Shop {t}")
        engagement[f"shop-{t}"] = [50 + 4 * t + 3 * m for m in range(6)]
        csat[f"shop-{t}"] = [min(100, 30 + 10 * t + 10 * (m % 3)) for m in range(6)]
    plant_months(engagement, csat, date(2025, 1, 1))

    page = chromium.new_page(base_url=app_url)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    sign_in(page, hr.email, PASSWORD)
    page.goto(app_url + "/insights?from=2025-01-01&to=2025-12-31")
    page.wait_for_selector("#chart-trends .main-svg")
    for chart in ("scatter", "lags", "drivers", "heatmap", "trends"):
        assert page.locator(f"#chart-{chart} .main-svg").count() >= 1, chart
    page.select_option("[data-trend-select]", "2")
    page.wait_for_timeout(200)
    assert page.locator("#chart-trends .main-svg").count() >= 1
    external = [r for r in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
                if not r.startswith(app_url)]
    page.close()
    assert external == []  # nothing from a CDN
    assert problems == []
