"""The notification centre, settings and the hand-over page in a real Chromium, under the CSP."""
from __future__ import annotations

import pytest

from flashpoint.extensions import db
from flashpoint.notifications.models import NotificationPreference
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_team, make_user
from tests.notifications.factories import notify

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides():
    return {}  # no SMTP, as with `make run`


@pytest.fixture
def browser_page(chromium, app_url):
    page = chromium.new_page(base_url=app_url)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page, problems
    page.close()


def test_reading_notifications_and_muting_a_topic_in_the_browser(app, app_url, browser_page):
    page, problems = browser_page
    sam = make_user(name="Sam Browser", team=make_team())
    notify(sam, "pulse.invitation", "Your pulse is open", "Five questions.", secret_url="/pulse/tok-browser")
    notify(sam, "idea.status_changed", "Your idea is planned", "Good news.", link="/ideas/1",
           extra={"relation": "submitter"})
    sign_in(page, sam.email, PASSWORD)

    assert page.locator(".main-nav .badge").inner_text() == "2"
    page.click(".main-nav >> text=Notifications")
    assert page.locator("a:has-text('Answer the pulse')").get_attribute("href") == "/pulse/tok-browser"
    page.locator(".note", has_text="Your idea is planned").locator("button:has-text('Mark read')").click()
    assert page.locator(".main-nav .badge").inner_text() == "1"
    page.click("button:has-text('Mark all read')")
    assert page.locator(".main-nav .badge").count() == 0
    assert "Everything is marked as read." in page.inner_text(".flashes")

    page.click("a:has-text('Settings')")
    page.uncheck("#topic_ideas_own")
    page.click("button:has-text('Save')")
    assert "saved" in page.inner_text(".flashes")
    db.session.expire_all()
    assert db.session.get(NotificationPreference, sam.id).muted == ["ideas_own"]
    assert problems == []


def test_handover_page_prints_without_inline_script(app, app_url, browser_page):
    page, problems = browser_page
    make_user(name="Flo Floor", email="flo@floor.invalid", password=None)
    sign_in(page, make_user("admin", name="Ada Admin").email, PASSWORD)
    page.goto(app_url + "/people/not-signed-in")
    page.click("button:has-text('Invite everyone not invited yet')")
    assert page.locator(".handover-sheet").count() == 1
    assert page.locator(".handover-qr").evaluate("img => img.naturalWidth") > 0
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed === true")
    assert problems == []
