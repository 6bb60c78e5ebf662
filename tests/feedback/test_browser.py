"""The public form on a phone-sized Chromium (keyboard, no sideways scroll, CSP) and the poster in print."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_team, make_user
from tests.feedback.factories import all_feedback

pytestmark = pytest.mark.browser


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_a_customer_answers_on_a_phone_with_the_keyboard(app, app_url, chromium):
    make_team("shop", "Downtown Store", form_metric="nps")
    page = chromium.new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    problems = watch(page)
    page.goto(app_url + "/f/shop")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off the side
    box = page.locator(".choice").first.bounding_box()
    assert box["width"] >= 40 and box["height"] >= 44  # big enough to tap
    page.locator("input[name=score][value='8']").focus()
    page.keyboard.press("ArrowRight")  # radios move with the arrow keys: 9
    page.keyboard.press("Tab")
    page.keyboard.type("Kenji <b>fixed</b> it in minutes")
    page.fill("input[name=helper_name]", "Kenji")
    page.locator("input[name=consent]").check()
    page.click("button[type=submit]")
    page.wait_for_url(app_url + "/f/shop/thanks")
    assert "Thank you!" in page.inner_text("h1")
    [item] = all_feedback()
    assert (item.metric, item.score, item.helper_name, item.consent) == ("nps", 9, "Kenji", True)
    assert item.comment == "Kenji <b>fixed</b> it in minutes"
    assert problems == []


@pytest.mark.parametrize("width", [390, 1280])
def test_rating_words_are_readable_at_any_width(app, app_url, chromium, width):
    """Every word on the rating scale and at its ends is at least 14 px, and nothing runs off."""
    make_team("shop", "Downtown Store", form_metric="csat")
    make_team("care", "Care", form_metric="nps")
    page = chromium.new_page(viewport={"width": width, "height": 800})
    for slug in ("shop", "care"):
        page.goto(f"{app_url}/f/{slug}")
        sizes = page.eval_on_selector_all(
            ".choice-word, .scale-ends span, .scale-ends",
            "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 14, (slug, sizes)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        widths = page.eval_on_selector_all(".choice-word", "els => els.map(e => e.scrollWidth - e.clientWidth)")
        assert all(w <= 1 for w in widths), (slug, widths)  # no word cut off inside its box
    page.close()


def test_the_poster_prints_on_one_page_without_the_navigation(app, app_url, chromium):
    shop = make_team("shop", "Downtown Store")
    manager = make_user("manager", shop, manages=shop)
    page = chromium.new_page(base_url=app_url)
    problems = watch(page)
    sign_in(page, manager.email, PASSWORD)
    page.goto(app_url + "/teams/shop/poster")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible() and not page.locator("[data-print]").is_visible()
    qr = page.locator(".poster-qr").bounding_box()
    assert qr["width"] > 300 and qr["width"] == pytest.approx(qr["height"], abs=2)
    pdf = page.pdf(format="A4", print_background=True)
    assert re.search(rb"/Count (\d+)", pdf).group(1) == b"1"  # one A4 sheet
    assert problems == []
