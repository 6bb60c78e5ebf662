"""Single sign-on in a real browser: the button on the sign-in page, the provider's own consent page
(a real OpenID Connect provider on another port), and back to Flashpoint signed in; a declined
consent ends on Flashpoint's page saying so."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from flashpoint.people import views
from tests.browser.conftest import DESKTOP, _watched_page
from tests.factories import make_user
from tests.sso_provider import NOW, identity, provider, sso_settings  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_overrides(provider):
    return sso_settings(provider, OIDC_LABEL="Sign in with Acme")


@pytest.fixture
def sso_page(chromium, app, app_url, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    app.config["BASE_URL"] = app_url  # the redirect URI the provider sends the browser back to
    context, page = _watched_page(chromium, type("Served", (), {"url": app_url}), viewport=DESKTOP)
    # The provider's own page loads a style sheet from the internet and has no favicon; Flashpoint's
    # failed requests are still reported by their address (same origin).
    page.watch.allow("Failed to load resource")
    yield page
    context.close()


def _serious(page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in {"serious", "critical"}]


def test_a_person_signs_in_through_the_provider_and_back(sso_page, provider, app_url):
    make_user("staff", email="ana@example.test", name="Ana Silva")
    sub = identity(provider, "ana@example.test")
    sso_page.goto("/login")
    assert _serious(sso_page) == []
    sso_page.get_by_role("link", name="Sign in with Acme").click()
    assert sso_page.url.startswith(f"{provider}/oauth2/authorize?")
    sso_page.fill("input[name=sub]", sub)
    with sso_page.expect_navigation(url=f"{app_url}/"):
        sso_page.get_by_role("button", name="Authorize").click()
    assert "Hello, Ana" in sso_page.content()
    assert not sso_page.watch.unexpected()


def test_declining_at_the_provider_ends_on_a_clear_page(sso_page, provider, app_url):
    sso_page.watch.allow("HTTP 403")  # the refusal page answers 403, as it should
    sso_page.goto("/login")
    sso_page.get_by_role("link", name="Sign in with Acme").click()
    with sso_page.expect_navigation(url=lambda url: urlsplit(url).path == "/login/oidc/callback"):
        sso_page.get_by_role("button", name="Deny").click()
    assert sso_page.get_by_role("heading", name="Signing in with single sign-on did not work").is_visible()
    assert "the request was declined" in sso_page.content()
    assert _serious(sso_page) == []
