"""The shell's admin forms in a real browser: people, teams, the CSV import report, passwords."""
from __future__ import annotations

import pytest

from tests.browser.conftest import DEMO_LOGINS, PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_import_report_lists_bad_lines_then_a_good_file_imports(page, tmp_path):
    sign_in(page, DEMO_LOGINS["admin"])
    page.goto("/admin/people")
    with page.expect_navigation():
        page.click("text=Import CSV")
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,role,team,slack_id,timezone\n"
                   "browser.one@example.org,Browser One,staff,store-downtown,,\n"
                   "not-an-email,Two,staff,store-downtown,,\n"
                   "browser.three@example.org,Three,chief,nowhere,,\n", encoding="utf-8")
    page.watch.allow("HTTP 400")  # the import answers 400 when it refuses a file
    page.watch.allow("status of 400")
    page.set_input_files("input[type=file]", str(bad))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    report = page.locator(".report").inner_text()
    assert "Nothing was imported" in report
    assert "line 3:" in report and "line 4:" in report and "line 2:" not in report
    screenshot(page, "admin-people-import-errors")
    good = tmp_path / "good.csv"
    good.write_text("email,name,role,team,slack_id,timezone\n"
                    "browser.one@example.org,Browser One,staff,store-downtown,,Europe/London\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "1 row read: 1 added" in page.locator(".report").inner_text()
    screenshot(page, "admin-people-import-done")


def test_admin_forms_render_cleanly_on_desktop_and_phone(page):
    sign_in(page, DEMO_LOGINS["admin"])
    page.goto("/admin/people?q=maya")
    with page.expect_navigation():
        page.click("table a >> nth=0")
    assert page.locator("input[name=email]").input_value().endswith("@demo.flashpoint.test")
    screenshot(page, "admin-person-edit")
    page.goto("/admin/people/new")
    screenshot(page, "admin-person-new")
    page.goto("/admin/teams")
    with page.expect_navigation():
        page.click(".team-tree a >> nth=1")
    assert page.locator("input[name=slug]").get_attribute("readonly") is not None
    screenshot(page, "admin-team-edit")
    page.goto("/account/password")
    screenshot(page, "admin-change-password")
    page.set_viewport_size(PHONE)
    for path, name in (("/admin/people/new", "admin-person-new-phone"), ("/admin/teams", "admin-teams-phone"),
                       ("/admin/outbox", "admin-outbox-phone")):
        page.goto(path)
        screenshot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_deactivating_asks_first_and_can_be_undone(page):
    sign_in(page, DEMO_LOGINS["admin"])
    page.goto("/admin/people?role=staff&status=never")
    row = page.locator("table tbody tr").first
    name = row.locator("td").first.inner_text().strip()
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("button", has_text="Deactivate").click()
    assert page.locator(".flashes").count() == 0  # dismissed: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.locator("button", has_text="Deactivate").click()
    assert f"{name} is now deactivated." in page.locator(".flashes").inner_text()
    page.goto("/admin/people?status=inactive")
    row = page.locator("table tbody tr", has_text=name)
    with page.expect_navigation():
        row.locator("button", has_text="Reactivate").click()
    assert f"{name} is now active." in page.locator(".flashes").inner_text()
