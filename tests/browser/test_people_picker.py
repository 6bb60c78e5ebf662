"""The people picker in a real browser: typing a name, choosing by keyboard, removing a chip,
submitting — and axe-core on the form with the list open, at desktop and phone size."""
from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition.stories.models import HeroStory
from tests.browser.conftest import DEMO_LOGINS, sign_in

pytestmark = pytest.mark.browser


def _someone_elsewhere(live_server) -> tuple[int, str]:
    """An active colleague outside the demo staff member's team whose surname nobody else has."""
    with live_server.app.app_context():
        me = db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS["staff"]))
        people = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.id)).all()
        surnames = [p.name.split()[-1].lower() for p in people]
        person = next(p for p in people if p.team_id not in (None, me.team_id) and len(p.name.split()) > 1
                      and surnames.count(p.name.split()[-1].lower()) == 1)
        result = person.id, person.name
        db.session.remove()
    return result


def _serious(page) -> list[str]:
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
            for v in Axe().run(page).response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_typing_a_name_choosing_by_keyboard_and_nominating(request, live_server, size):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    hero_id, hero_name = _someone_elsewhere(live_server)
    sign_in(page, DEMO_LOGINS["staff"])
    page.goto("/heroes/new")
    combo = page.get_by_role("combobox", name="Add a hero")
    assert combo.get_attribute("aria-expanded") == "false"
    assert page.locator("noscript").count() == 1 and page.get_by_role("button", name="Find").count() == 0

    combo.click()
    page.keyboard.type(hero_name.split()[-1][:5])
    listbox = page.get_by_role("listbox")
    option = page.get_by_role("option", name=re.compile(re.escape(hero_name)))
    option.wait_for()
    assert combo.get_attribute("aria-expanded") == "true"
    assert combo.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert listbox.get_by_role("option").count() <= 20
    assert _serious(page) == []  # the open list as well
    # Down until the option is active: aria-activedescendant follows.
    option_id = option.get_attribute("id")
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        if combo.get_attribute("aria-activedescendant") == option_id:
            break
    assert option.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert combo.get_attribute("aria-expanded") == "false" and combo.input_value() == ""
    assert combo.evaluate("el => el === document.activeElement")
    chip = page.locator(f"#heroes-picker .person-chip[data-person-id='{hero_id}']")
    assert chip.locator("input[type=hidden][name=heroes]").get_attribute("value") == str(hero_id)
    assert page.get_by_role("status").filter(has_text=f"{hero_name} added.").count() == 1

    # Escape closes the list without choosing; a chip is removed by its button.
    page.keyboard.type("a")
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("Escape")
    assert combo.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")
    assert combo.input_value() == ""
    page.keyboard.press("Enter")  # Enter in the search never submits the form
    assert page.url.endswith("/heroes/new")
    assert _serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    marker = f"picked by keyboard {size}"
    page.fill("textarea[name=text]", f"{hero_name} helped a customer find a gift ({marker}).")
    page.check("input[name=kind][value=proactive]")
    with page.expect_navigation():
        page.click("form.nominate-form button[type=submit]")
    assert re.search(r"/heroes/\d+$", page.url)
    with live_server.app.app_context():
        story = db.session.scalar(db.select(HeroStory).where(HeroStory.text.contains(marker)))
        assert [h.id for h in story.heroes] == [hero_id]
        db.session.remove()


def test_removing_a_chip_by_keyboard_leaves_the_focus_in_the_search(page, live_server):
    hero_id, hero_name = _someone_elsewhere(live_server)
    sign_in(page, DEMO_LOGINS["manager"])
    page.goto(f"/heroes/new?hero={hero_id}")
    remove = page.get_by_role("button", name=f"Remove {hero_name}")
    remove.focus()
    page.keyboard.press("Enter")
    assert page.locator("#heroes-picker .person-chip").count() == 0
    assert page.get_by_role("combobox", name="Add a hero").evaluate("el => el === document.activeElement")
    assert page.locator("[data-picker-none]").is_visible()


def test_an_admin_picks_a_teams_manager_by_keyboard(page, live_server):
    from flashpoint.people.models import Team

    with live_server.app.app_context():
        manager = db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS["manager"]))
        manager_id, manager_name = manager.id, manager.name
        db.session.remove()
    sign_in(page, DEMO_LOGINS["admin"])
    page.goto("/admin/teams/new")
    page.fill("input[name=name]", "Pop-up Store")
    page.fill("input[name=slug]", "pop-up-picker")
    combo = page.get_by_role("combobox", name="Add a manager")
    combo.fill(manager_name)
    page.get_by_role("option", name=re.compile(re.escape(manager_name))).wait_for()
    combo.press("ArrowDown")
    combo.press("Enter")
    assert page.locator(f"#managers-picker .person-chip[data-person-id='{manager_id}']").count() == 1
    assert _serious(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.url.endswith("/admin/teams")
    with live_server.app.app_context():
        team = db.session.scalar(db.select(Team).where(Team.slug == "pop-up-picker"))
        assert [m.id for m in team.managers] == [manager_id]
        db.session.remove()


def test_without_script_find_then_tick_then_nominate(chromium, live_server):
    """The plain form: a search field and Find inside <noscript>, answered by the server."""
    from tests.browser.conftest import DESKTOP, _watched_page

    hero_id, hero_name = _someone_elsewhere(live_server)
    context, page = _watched_page(chromium, live_server, viewport=DESKTOP, java_script_enabled=False)
    try:
        sign_in(page, DEMO_LOGINS["staff"])
        page.goto("/heroes/new")
        assert page.get_by_role("combobox").count() == 0  # the combobox needs its script
        page.fill("textarea[name=text]", f"{hero_name} found a lost wallet and ran after its owner (no script).")
        page.get_by_label("Add a hero: type a name, then Find").fill(hero_name.split()[-1])
        with page.expect_navigation():
            page.get_by_role("button", name="Find").click()
        assert "found a lost wallet" in page.locator("textarea[name=text]").input_value()  # kept
        page.check(f"input[name=heroes][value='{hero_id}']")
        page.check("input[name=kind][value=proactive]")
        with page.expect_navigation():
            page.click("form.nominate-form button.primary[type=submit]")
        assert re.search(r"/heroes/\d+$", page.url)
        with live_server.app.app_context():
            story = db.session.scalar(db.select(HeroStory).where(HeroStory.text.contains("(no script)")))
            assert [h.id for h in story.heroes] == [hero_id]
            db.session.remove()
    finally:
        context.close()
    assert page.watch.unexpected() == []
