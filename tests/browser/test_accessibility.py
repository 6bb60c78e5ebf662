"""axe-core checks the pages people use most at desktop size: no serious or critical violation. (Every page
of every role is checked at phone size by test_every_page.py.)"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DEMO_LOGINS, sign_in

pytestmark = pytest.mark.browser

# The pages renovated or rebuilt for scale (keyset pages, the insights chart data fetched as JSON),
# and each role's home.
PAGES = {
    "hr": ("/", "/heroes", "/heroes?page=2", "/praise", "/feedback", "/feedback?page=2", "/ideas", "/ideas/done",
           "/pulses", "/insights", "/insights?grain=week", "/notifications"),
    "manager": ("/", "/praise", "/heroes", "/pulses", "/ideas"),
    "staff": ("/", "/heroes", "/ideas", "/praise/me"),
}
SERIOUS = {"serious", "critical"}


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_have_no_serious_accessibility_violations(page, role):
    found = {}
    for browser_page in (page,):
        sign_in(browser_page, DEMO_LOGINS[role])
        for path in PAGES[role]:
            response = browser_page.goto(path)
            assert response.status == 200, f"{role}: {path} answered {response.status}"
            browser_page.wait_for_load_state("networkidle")
            problems = _serious_violations(browser_page)
            if problems:
                found[f"{browser_page.viewport_size['width']}px {path}"] = problems
    assert found == {}, found
