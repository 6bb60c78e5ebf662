"""A customer's praise becomes a hero story, in a real browser: the public form, the manager's praise
inbox, celebrating it, and finding it on the wall (desktop and phone)."""
from __future__ import annotations

import re
import uuid

import pytest

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from tests.browser.conftest import DEMO_LOGINS, screenshot, sign_in

pytestmark = pytest.mark.browser


def _a_downtown_hero(live_server) -> tuple[str, int]:
    """A store-downtown colleague with a first name nobody else in the team has, recognised publicly."""
    with live_server.app.app_context():
        team = db.session.scalar(db.select(Team).where(Team.slug == "store-downtown"))
        people = [u for u in team.members if u.role == "staff" and u.active and not u.private_recognition]
        firsts = [u.first_name for u in team.members]
        hero = next(u for u in people if firsts.count(u.first_name) == 1 and not u.email.startswith("staff@"))
        result = hero.name, hero.id
        db.session.remove()
    return result


def _chosen(page) -> list[str]:
    """The heroes the form will post: the ids the picker's chips carry."""
    return page.locator("#heroes-picker .person-chip input[name=heroes]").evaluate_all(
        "inputs => inputs.map(i => i.value)")


def test_customer_praise_reaches_the_inbox_is_celebrated_and_shows_on_the_wall(page, phone_page, live_server):
    hero_name, hero_id = _a_downtown_hero(live_server)
    marker = uuid.uuid4().hex[:6]
    words = (f"Despite the mix-up with my order, {hero_name} sorted it out in minutes ({marker}). "
             "My husband Tom was impressed. Write to me at tom.customer@example.com")

    # 1. A customer leaves feedback on the public form, no login.
    page.goto("/f/store-downtown")
    page.check("input[name=score][value='5']")
    page.fill("textarea[name=comment]", words)
    page.check("input[name=consent]")
    with page.expect_navigation():
        page.click("form.feedback-form button[type=submit]")
    assert "/thanks" in page.url

    # 2. The manager finds it in the praise inbox, verbatim with contact details redacted.
    sign_in(page, DEMO_LOGINS["manager"])
    page.goto("/praise")
    item = page.locator("li.praise-item", has_text=marker)
    assert item.count() == 1
    assert "[email]" in item.inner_text() and "tom.customer@example.com" not in item.inner_text()
    assert hero_name in item.locator(".named").inner_text()
    screenshot(page, "stories-praise-inbox")

    # 3. Celebrate it: the nomination opens prefilled with the hero, the evidence and "recovery".
    with page.expect_navigation():
        item.get_by_role("link", name="Celebrate as hero story").click()
    assert _chosen(page) == [str(hero_id)]
    assert page.locator("input[name=kind][value=recovery]").is_checked()
    assert marker in page.locator(".evidence").inner_text()
    # Taken off and picked again through the people search, by keyboard.
    page.get_by_role("button", name=f"Remove {hero_name}").click()
    assert _chosen(page) == []
    page.get_by_role("combobox", name="Add a hero").fill(hero_name)
    page.get_by_role("option", name=re.compile(re.escape(hero_name))).wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert _chosen(page) == [str(hero_id)]
    page.fill("textarea[name=text]", f"{hero_name} turned a mix-up into a happy customer, calmly and fast ({marker}).")
    page.locator(".value-option").first.click()
    screenshot(page, "stories-nominate-prefilled")
    with page.expect_navigation():
        page.click("form.nominate-form button[type=submit]")
    # The manager's own person: approved at once.
    assert re.search(r"/heroes/\d+$", page.url)
    assert "straight to the wall" in page.locator(".flashes").inner_text()

    # 4. On the wall: the story, the customer's words quoted with consent and names redacted; a clap.
    page.goto("/heroes")
    card = page.locator("article.story-card", has_text=marker)
    assert card.count() == 1
    text = card.inner_text()
    assert hero_name in text and "Recovery" in text
    assert "My husband [name] was impressed" in text and "Tom" not in text and "[email]" in text
    before = int(card.locator("[data-clap-count]").inner_text())
    card.locator("button.clap").click()
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).textContent.trim() === String(n)",
        arg=[f"#{card.get_attribute('id')} [data-clap-count]", before + 1])
    assert card.locator("button.clap").get_attribute("aria-pressed") == "true"
    screenshot(page, "stories-wall-desktop")

    # 5. A colleague on a phone finds it too, and the wall fits the screen.
    sign_in(phone_page, DEMO_LOGINS["staff"])
    phone_page.goto("/heroes?q=" + marker)
    assert phone_page.locator("article.story-card").count() == 1
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "stories-wall-phone")


@pytest.mark.parametrize("path", ["/heroes", "/praise", "/heroes/new", "/heroes/approvals", "/praise/me"])
def test_hero_pages_fit_a_phone(phone_page, path):
    sign_in(phone_page, DEMO_LOGINS["manager"])
    response = phone_page.goto(path)
    assert response.status == 200
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path


def test_celebrating_praise_takes_two_clicks_in_the_browser(page, live_server):
    """The manager's clicks from the praise inbox to a celebrated story are counted: two."""
    hero_name, hero_id = _a_downtown_hero(live_server)
    marker = uuid.uuid4().hex[:6]
    page.goto("/f/store-downtown")
    page.check("input[name=score][value='5']")
    page.fill("textarea[name=comment]", f"{hero_name} helped me choose a gift, so kind ({marker}).")
    with page.expect_navigation():
        page.click("form.feedback-form button[type=submit]")

    sign_in(page, DEMO_LOGINS["manager"])
    page.goto("/praise")
    clicks = 0
    with page.expect_navigation():
        page.locator("li.praise-item", has_text=marker).get_by_role("link", name="Celebrate as hero story").click()
    clicks += 1
    assert _chosen(page) == [str(hero_id)]
    assert hero_name in page.locator("textarea[name=text]").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Celebrate now").click()
    clicks += 1
    assert clicks == 2 and re.search(r"/heroes/\d+$", page.url)
    assert "straight to the wall" in page.locator(".flashes").inner_text()
    page.goto("/heroes")
    assert page.locator("article.story-card", has_text=hero_name).count() >= 1
