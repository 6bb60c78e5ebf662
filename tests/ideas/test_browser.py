"""Ideas in a real Chromium under the CSP: similar ideas while typing, submitting anonymously, and
the owner's form showing only the fields that apply."""
from __future__ import annotations

import pytest

from engagement.ideas.models import Idea
from flashpoint.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.ideas.factories import make_idea

pytestmark = pytest.mark.browser


def _page(chromium, url, user, problems, **options):
    page = chromium.new_context(base_url=url, **options).new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "400" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, user.email, PASSWORD)
    return page


def test_similar_ideas_show_while_typing_and_an_anonymous_idea_is_submitted(org, app_url, chromium):
    existing = make_idea(org.colleague, org.shop, title="Open a second till when the queue is long")
    problems: list[str] = []
    page = _page(chromium, app_url, org.staff, problems, viewport={"width": 390, "height": 844})
    page.goto(app_url + "/ideas/new")
    page.type("#title", "long queue at the till", delay=20)
    page.wait_for_selector("#similar-ideas:not([hidden]) li")
    suggestion = page.inner_text("#similar-ideas li")
    assert f"#{existing.id} Open a second till" in suggestion and "new" in suggestion
    page.fill("#title", "<b>Self-checkout</b> for small baskets")
    page.check("#anonymous")
    page.select_option("#team", "shop")  # never chosen in advance (it would tell where an anonymous author works)
    page.click("main form input[type=submit]")
    page.wait_for_url(app_url + "/ideas/*")
    assert "<b>Self-checkout</b> for small baskets" in page.inner_text("h1")   # shown as text
    assert "proposed by you (anonymously" in page.inner_text(".idea-main")
    assert problems == []
    idea = db.session.scalar(db.select(Idea).where(Idea.id != existing.id))
    assert idea.anonymous and idea.submitter_id == org.staff.id


def test_the_owner_form_shows_the_duplicate_and_implementer_fields_only_when_they_apply(org, app_url, chromium):
    idea = make_idea(org.staff, org.shop, title="Umbrella stand")
    problems: list[str] = []
    page = _page(chromium, app_url, org.boss, problems, viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/ideas/{idea.id}")
    assert not page.is_visible("#duplicate_of") and not page.is_visible("#implementers-picker")
    page.select_option("select[name=status]", "duplicate")
    assert page.is_visible("#duplicate_of") and not page.is_visible("#implementers-picker")
    page.select_option("select[name=status]", "implemented")
    assert page.is_visible("#implementers-picker")
    page.select_option("select[name=status]", "declined")
    page.click(".owner-form button[type=submit], .owner-form input[type=submit]")
    page.wait_for_selector(".owner-form .error")
    assert "Say why the idea is declined" in page.inner_text(".owner-form .error")
    page.fill("#message", "The entrance is too narrow for a stand.")
    page.click(".owner-form button[type=submit], .owner-form input[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "declined" in page.inner_text(".idea-meta")
    assert problems == []
