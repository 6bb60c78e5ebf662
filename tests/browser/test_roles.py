"""Each demo role signs in with a real browser, opens every page of its navigation, and nothing breaks."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DEMO_LOGINS, screenshot, sign_in

pytestmark = pytest.mark.browser

# Pages the shell owns must also fit a phone without sideways scrolling.
SHELL_PAGES = ("/", "/admin/people", "/admin/teams", "/admin/outbox", "/account/password")


def _nav_links(page) -> list[tuple[str, str]]:
    links = page.eval_on_selector_all(
        "#main-nav a", "els => els.map(a => [a.textContent.trim(), a.getAttribute('href')])")
    return [(re.sub(r"\s+\d+$", "", label), href) for label, href in links]


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("role", ["admin", "hr", "manager", "staff"])
def test_each_role_opens_every_page_of_its_navigation(page, role):
    sign_in(page, DEMO_LOGINS[role])
    links = _nav_links(page)
    assert links and links[0] == ("Home", "/")
    for label, href in links:
        response = page.goto(href)
        assert response.status == 200, f"{role}: {label} ({href}) answered {response.status}"
        assert page.locator("h1").count() >= 1, f"{role}: {label} has no heading"
        active = page.locator("#main-nav a[aria-current=page]")
        assert active.count() == 1 and active.get_attribute("href") == href, f"{role}: {label} not highlighted"
        screenshot(page, f"{role}-{_slug(label)}")


def test_navigation_fits_each_role(page):
    seen = {}
    for role, email in DEMO_LOGINS.items():
        page.context.clear_cookies()
        sign_in(page, email)
        seen[role] = {href for _label, href in _nav_links(page)}
    assert {"/admin/people", "/admin/teams", "/admin/outbox"} <= seen["admin"]
    assert "/admin/people" in seen["hr"] and "/admin/teams" in seen["hr"] and "/admin/outbox" not in seen["hr"]
    assert "/admin/people" in seen["manager"] and "/admin/teams" not in seen["manager"]
    assert not any(href.startswith("/admin") for href in seen["staff"])


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_pages_fit_a_phone_and_the_menu_opens(phone_page, role):
    page = phone_page
    sign_in(page, DEMO_LOGINS[role])
    assert not page.locator("#main-nav").is_visible()
    page.click("[data-nav-toggle]")
    assert page.locator("#main-nav").is_visible()
    links = _nav_links(page)
    for label, href in links:
        page.goto(href)
        screenshot(page, f"{role}-{_slug(label)}-phone")
        if href in SHELL_PAGES:
            assert _fits_the_screen(page), f"{href} scrolls sideways on a phone"


def test_account_menu_changes_password_page_and_signs_out(page):
    sign_in(page, DEMO_LOGINS["staff"])
    page.click(".account-menu summary")
    assert page.locator(".account-panel").is_visible()
    screenshot(page, "staff-account-menu")
    page.keyboard.press("Escape")
    assert not page.locator(".account-panel").is_visible()
    page.click(".account-menu summary")
    with page.expect_navigation():
        page.click(".account-panel >> text=Sign out")
    assert urlsplit(page.url).path == "/login"
    assert "You are signed out." in page.content()
    page.goto("/")
    assert urlsplit(page.url).path == "/login"  # the session really ended


def test_wrong_password_shows_a_message(page):
    page.goto("/login")
    page.fill("input[name=email]", DEMO_LOGINS["staff"])
    page.fill("input[name=password]", "not the password")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "That e-mail and password do not match an account." in page.content()
    screenshot(page, "anonymous-login-wrong-password")


def test_error_pages_look_friendly(page):
    page.watch.allow("404")
    page.watch.allow("403")
    page.goto("/no/such/page")
    assert "We could not find that page" in page.content()
    screenshot(page, "anonymous-404")
    sign_in(page, DEMO_LOGINS["staff"])
    page.goto("/admin/outbox")
    assert "This page is not for your role" in page.content()
    screenshot(page, "staff-403")


def test_admin_finds_people_who_have_not_signed_in_yet(page):
    sign_in(page, DEMO_LOGINS["admin"])
    page.goto("/admin/people")
    page.select_option("select[name=status]", "never")
    with page.expect_navigation():
        page.click(".filters button[type=submit]")
    assert "status=never" in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    assert "not yet" in rows.first.inner_text()
    screenshot(page, "admin-people-not-signed-in")


def test_admin_pages_fold_into_one_menu_that_opens_and_closes(page):
    sign_in(page, DEMO_LOGINS["admin"])
    menu = page.locator("#main-nav details.nav-admin")
    assert menu.count() == 1
    outbox = page.locator("#main-nav a[href='/admin/outbox']")
    assert not outbox.is_visible()
    page.click("#main-nav details.nav-admin summary")
    assert outbox.is_visible()
    screenshot(page, "admin-admin-menu")
    page.click("h1")  # a click elsewhere closes it
    assert not outbox.is_visible()
    page.click("#main-nav details.nav-admin summary")
    with page.expect_navigation():
        outbox.click()
    assert page.locator("#main-nav details.nav-admin summary.active").count() == 1
