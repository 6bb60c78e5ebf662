"""In a real browser: a person answers their pulse from the home page with the keyboard and
mouse, sees the thank-you, and the used link then says so; HR's results page works."""
from __future__ import annotations

import pytest

from engagement.pulses import cycles, delivery
from engagement.pulses.models import PulseCycle
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow
from tests.browser.conftest import DEMO_LOGINS, screenshot, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "pulse browser pass"


def _person_with_an_open_pulse(live_server, slug: str) -> str:
    with live_server.app.app_context():
        team = Team(slug=slug, name=f"Browser {slug}")
        db.session.add(team)
        people = [User(email=f"{slug}-{n}@example.test", name=f"Tester {n}", team=team) for n in range(3)]
        people[0].set_password(PASSWORD)
        db.session.add_all(people)
        db.session.commit()
        cycles.pulse_now([slug], utcnow())
        delivery.send_due_invitations(utcnow())
        db.session.commit()
        return people[0].email


def test_a_person_answers_their_pulse_from_home_and_the_link_is_then_used(page, live_server):
    email = _person_with_an_open_pulse(live_server, "browser-pulse")
    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name="Answer now").click()
    page.wait_for_selector("fieldset.scale")
    link = page.url
    scales = page.locator("fieldset.scale")
    for i in range(scales.count()):
        scale = scales.nth(i)
        if scale.locator("input[value='10']").count():
            scale.locator("label.scale-option", has_text="8").first.click()
        else:
            # The keyboard works too: focus the first option and move with the arrow keys.
            scale.locator("input").first.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
    page.fill("textarea[name=comment]", "Answered in a real browser")
    screenshot(page, "pulse-answer")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_selector("text=Thank you!")
    with live_server.app.app_context():
        from engagement.pulses import cycles
        from engagement.pulses.models import PulseAnswer, PulseComment

        # Sealed while the cycle is open; written out where results read them when it closes.
        cycle = db.session.scalar(db.select(PulseCycle).join(Team, Team.id == PulseCycle.team_id)
                                  .where(Team.slug == "browser-pulse"))
        closes_at = cycle.closes_at
        cycles.close_due_cycles(closes_at)
        db.session.commit()
        values = db.session.scalars(db.select(PulseAnswer.value).join(
            PulseCycle, PulseCycle.id == PulseAnswer.cycle_id).join(
            Team, Team.id == PulseCycle.team_id).where(Team.slug == "browser-pulse")).all()
        assert sorted(set(values)) in ([4, 8], [4])
        assert db.session.scalar(db.select(PulseComment.body).where(
            PulseComment.body == "Answered in a real browser"))
    page.watch.allow("410")
    page.goto(link)
    assert "already in" in page.inner_text("main")


def test_the_answer_form_fits_a_phone(phone_page, live_server):
    email = _person_with_an_open_pulse(live_server, "phone-pulse")
    sign_in(phone_page, email, PASSWORD)
    phone_page.get_by_role("link", name="Answer now").click()
    phone_page.wait_for_selector("fieldset.scale")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "pulse-answer-phone")


def test_hr_reads_results_and_schedules_in_the_browser(page):
    sign_in(page, DEMO_LOGINS["hr"])
    page.goto("/pulses")
    assert page.locator("table.pulse-teams tbody tr").count() > 10
    assert page.locator("svg.spark").count() > 10
    with page.expect_navigation():
        page.select_option("#period", index=2)  # pulses.js submits on change
    assert "period=" in page.url
    screenshot(page, "pulse-results")
    page.goto("/pulses/schedules")
    assert "every 2 weeks" in page.inner_text("main")
