"""The insights page in a real Chromium: every chart draws, under the app's CSP, with no console errors."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, make_team, make_user
from tests.insights.factories import plant_months

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_charts_render_under_the_csp_without_console_errors(app, live_server):
    from playwright.sync_api import sync_playwright

    hr = make_user("hr")
    engagement, csat = {}, {}
    for t in range(4):
        make_team(f"shop-{t}", name=f"Shop {t}")
        engagement[f"shop-{t}"] = [50 + 4 * t + 3 * m for m in range(6)]
        csat[f"shop-{t}"] = [min(100, 30 + 10 * t + 10 * (m % 3)) for m in range(6)]
    plant_months(engagement, csat, date(2025, 1, 1))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
        page.goto(live_server + "/login")
        page.fill("input[name=email]", hr.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(live_server + "/insights?from=2025-01-01&to=2025-12-31")
        page.wait_for_selector("#chart-trends .main-svg")
        for chart in ("scatter", "lags", "drivers", "heatmap", "trends"):
            assert page.locator(f"#chart-{chart} .main-svg").count() >= 1, chart
        page.select_option("[data-trend-select]", "2")
        page.wait_for_timeout(200)
        assert page.locator("#chart-trends .main-svg").count() >= 1
        external = [r for r in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
                    if not r.startswith(live_server)]
        browser.close()
    assert external == []  # nothing from a CDN
    assert problems == []
