"""The shell around every page: health check, security headers, CSRF, and the friendly error pages."""
import re

import pytest

from flashpoint import create_app
from flashpoint.config import Config, TestConfig, normalise_database_url
from tests.conftest import csrf_token_from
from tests.factories import make_team, make_user


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-directory/for/flashpoint.db",
    "postgresql://flashpoint@127.0.0.1:1/nothing-listens-here",
])
def test_healthz_is_503_when_the_database_does_not_answer(url):
    app = create_app(TestConfig(database_url=url))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/login")
    headers = response.headers
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain http in tests


def test_session_cookie_is_httponly_lax_and_secure_behind_https(make_config, monkeypatch):
    from flashpoint.extensions import db

    monkeypatch.setenv("BASE_URL", "https://flashpoint.example")
    config = Config()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"
    app = create_app(make_config(SESSION_COOKIE_SECURE=True, BASE_URL="https://flashpoint.example"))
    with app.app_context():
        user = make_user("staff", email="ana@example.test")
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                               "csrf_token": token})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
        assert "max-age=" in client.get("/").headers["Strict-Transport-Security"]
        db.session.remove()


def test_signed_in_pages_are_not_cached_but_static_files_are(client, login):
    login(make_user("staff"))
    assert client.get("/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/flashpoint.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


@pytest.mark.parametrize("role", ["admin", "hr", "manager", "staff"])
def test_pages_have_no_inline_script_or_event_handlers(client, login, role):
    team = make_team()
    login(make_user(role, team))
    for path in ["/", "/account/password", "/admin/people", "/admin/teams", "/admin/outbox", "/nowhere"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert not re.search(r'src="(https?:)?//|<link[^>]+href="(https?:)?//', html), path  # nothing from the internet


def test_a_form_posted_without_csrf_token_is_refused(client):
    make_user("staff", email="ana@example.test")
    response = client.post("/login", data={"email": "ana@example.test", "password": "correct horse battery"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That request could not be used" in html and "The form expired; please try again." in html
    assert "CSRF" not in html  # the library's words mean nothing to the person reading
    assert client.get("/").status_code == 302  # not signed in


def test_a_form_posted_with_a_forged_token_is_refused(client):
    make_user("staff", email="ana@example.test")
    client.get("/login")
    response = client.post("/login", data={"email": "ana@example.test", "password": "correct horse battery",
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We could not find that page" in html and "Go to sign in" in html


def test_a_page_for_another_role_is_a_friendly_403(client, login):
    login(make_user("staff", make_team()))
    response = client.get("/admin/outbox")
    assert response.status_code == 403
    assert "This page is not for your role" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"] == "Not Found"


def test_wrong_method_is_a_405_page_with_allow(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_an_unexpected_error_is_a_friendly_500_without_traceback(app, client, caplog):
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/test-boom", "test_boom", boom)
    response = client.get("/test-boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html
    assert "secret internals" in caplog.text  # but it is logged for the operators


def test_the_500_page_survives_a_broken_layout(app, client, monkeypatch):
    import flashpoint.core.views as core_views

    def boom():
        raise RuntimeError("first failure")

    def broken_render(*args, **kwargs):
        raise RuntimeError("the layout failed too")

    app.add_url_rule("/test-boom", "test_boom", boom)
    monkeypatch.setattr(core_views, "render_template", broken_render)
    response = client.get("/test-boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_pulse_group_size_never_drops_below_three(monkeypatch):
    monkeypatch.setenv("PULSE_MIN_GROUP_SIZE", "1")
    assert Config().PULSE_MIN_GROUP_SIZE == 3


def test_sqlite_has_foreign_keys_on_and_wal(app):
    from flashpoint.extensions import db

    assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"


def test_nav_item_pointing_nowhere_does_not_break_pages(app, client, login):
    from flashpoint.registry import NavItem, add_nav_item

    add_nav_item(app, NavItem(999, "Half-wired", "nowhere.index"))
    login(make_user("admin"))
    response = client.get("/")
    assert response.status_code == 200 and "Half-wired" not in response.get_data(as_text=True)
