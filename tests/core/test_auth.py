"""Signing in and out, and changing one's password, through the real forms."""
import pytest

from flashpoint.extensions import db
from flashpoint.people.models import User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_team, make_user


def _sign_in(client, email, password, next_path=None):
    page = client.get("/login" + (f"?next={next_path}" if next_path else ""))
    token = csrf_token_from(page.get_data(as_text=True))
    url = "/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_sign_in_with_right_password_lands_on_home_and_records_the_time(client):
    person = make_user("staff", make_team(), email="ana@example.test", name="Ana Silva")
    response = _sign_in(client, "Ana@Example.test ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Hello, Ana" in client.get("/").get_data(as_text=True)
    db.session.refresh(person)
    assert person.last_login_at is not None


@pytest.mark.parametrize("email,password", [
    ("ana@example.test", "wrong password here"),
    ("nobody@example.test", PASSWORD),
])
def test_wrong_password_and_unknown_email_get_the_same_message(client, email, password):
    make_user("staff", email="ana@example.test")
    response = _sign_in(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That e-mail and password do not match an account." in html
    assert client.get("/").status_code == 302  # still signed out


def test_deactivated_person_is_told_and_not_signed_in(client):
    make_user("staff", email="gone@example.test", active=False)
    html = _sign_in(client, "gone@example.test", PASSWORD).get_data(as_text=True)
    assert "This account has been deactivated" in html
    assert client.get("/").status_code == 302


def test_deactivating_someone_ends_their_open_session(client, login):
    person = make_user("staff")
    login(person)
    assert client.get("/").status_code == 200
    person.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_empty_form_shows_field_errors_not_a_crash(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Enter your e-mail address." in html and "Enter your password." in html


def test_sign_in_follows_next_to_a_page_of_this_site(client):
    make_user("admin", email="boss@example.test")
    response = _sign_in(client, "boss@example.test", PASSWORD, next_path="/admin/people?page=2")
    assert response.headers["Location"] == "/admin/people?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "\\\\evil.example",
])
def test_sign_in_never_redirects_off_site(client, target):
    make_user("staff", email="ana@example.test")
    response = _sign_in(client, "ana@example.test", PASSWORD, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_page_needing_sign_in_sends_people_to_login_and_back(client):
    make_user("admin", email="boss@example.test")
    response = client.get("/admin/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert _sign_in(client, "boss@example.test", PASSWORD, next_path="/admin/people").headers["Location"] == "/admin/people"


def test_sign_out_needs_post_and_ends_the_session(client, login, post_form):
    login(make_user("staff"))
    assert client.get("/logout").status_code == 405
    response = post_form("/logout", {}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert "You are signed out." in client.get("/login").get_data(as_text=True)


def test_change_password_then_sign_in_with_the_new_one(client, login, post_form):
    person = make_user("staff", email="ana@example.test")
    login(person)
    response = post_form("/account/password", {"current": PASSWORD, "new": "a brand new secret",
                                                "confirm": "a brand new secret"})
    assert response.status_code == 302
    post_form("/logout", {}, page="/")
    assert _sign_in(client, "ana@example.test", PASSWORD).status_code == 200  # old one refused
    assert _sign_in(client, "ana@example.test", "a brand new secret").status_code == 302


def test_changing_the_password_signs_out_other_sessions(app, client, login, post_form):
    person = make_user("staff", email="ana@example.test")
    other_browser = app.test_client()
    login(person, test_client=other_browser)
    login(person)
    post_form("/account/password", {"current": PASSWORD, "new": "a brand new secret", "confirm": "a brand new secret"})
    assert client.get("/").status_code == 200  # this session goes on
    assert other_browser.get("/").status_code == 302  # the other one is signed out


def test_a_session_cookie_from_before_an_admin_reset_no_longer_works(client, login):
    person = make_user("staff")
    login(person)
    person.set_password("reset by an admin")
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("data,message", [
    ({"current": "not my password", "new": "a brand new secret", "confirm": "a brand new secret"},
     "Your current password is not right."),
    ({"current": PASSWORD, "new": "short", "confirm": "short"}, "at least 10 characters"),
    ({"current": PASSWORD, "new": "a brand new secret", "confirm": "another secret!!"},
     "The two new passwords differ."),
])
def test_change_password_refuses_bad_input_and_keeps_the_old_one(client, login, post_form, data, message):
    person = make_user("staff")
    login(person)
    response = post_form("/account/password", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.check_password(PASSWORD)


class TestLoginRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute"}

    def test_password_guessing_is_slowed_down(self, client):
        make_user("staff", email="ana@example.test")
        for _ in range(3):
            assert _sign_in(client, "ana@example.test", "guess guess guess").status_code == 200
        response = _sign_in(client, "ana@example.test", PASSWORD)
        assert response.status_code == 429
        assert "Slow down" in response.get_data(as_text=True)
        assert response.headers.get("Retry-After")
        assert db.session.scalar(db.select(User.last_login_at).where(User.email == "ana@example.test")) is None


def test_a_session_cookie_copied_before_sign_out_stops_working(app, client, login, post_form):
    """Signing out is server-side: a copy of the cookie (stolen, or another tab's) is refused."""
    person = make_user("staff")
    login(person)
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    post_form("/logout", {}, page="/")
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # ... and signing in again gives a session that works.
    login(person)
    assert client.get("/").status_code == 200
    assert thief.get("/").status_code == 302


def test_signing_out_also_ends_the_remember_me_cookie(app, client, post_form):
    person = make_user("staff", email="ana@example.test")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "ana@example.test", "password": PASSWORD, "remember": "y",
                                "csrf_token": token})
    remembered = client.get_cookie("remember_token").value
    post_form("/logout", {}, page="/")
    later = app.test_client()  # a new browser session holding only the remember-me cookie
    later.set_cookie("remember_token", remembered)
    assert later.get("/").status_code == 302
    db.session.refresh(person)
    assert person.session_generation == 1


class TestLoginRateLimitPerAccount:
    """Guessing one account's password from many addresses is slowed down too, for a window only."""

    @pytest.fixture
    def app_overrides(self):
        return {"LOGIN_ACCOUNT_RATE_LIMIT": "3 per 15 minutes", "LOGIN_RATE_LIMIT": "100 per minute"}

    @staticmethod
    def _from(client, address, email, password):
        page = client.get("/login", environ_base={"REMOTE_ADDR": address})
        token = csrf_token_from(page.get_data(as_text=True))
        return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address})

    def test_failed_attempts_from_many_addresses_pause_the_account(self, app, client):
        from unittest import mock

        make_user("staff", email="ana@example.test")
        make_user("staff", email="bo@example.test")
        # The limiter's storage reads time.time(): fixed instants, a window apart.
        with mock.patch("time.time", return_value=1_796_000_000.0):
            for n in range(3):
                assert self._from(client, f"198.51.100.{n}", " Ana@example.test", "guess guess").status_code == 200
            response = self._from(client, "203.0.113.9", "ana@example.test", PASSWORD)
            html = response.get_data(as_text=True)
            assert response.status_code == 429 and response.headers.get("Retry-After")
            assert "Too many failed sign-in attempts for this account" in html
            assert db.session.scalar(db.select(User.last_login_at).where(User.email == "ana@example.test")) is None
            # Another account, from the same addresses, is not affected.
            assert self._from(app.test_client(), "198.51.100.0", "bo@example.test", PASSWORD).status_code == 302
        # The pause lasts one window, not for ever.
        with mock.patch("time.time", return_value=1_796_000_000.0 + 15 * 60 + 1):
            assert self._from(app.test_client(), "203.0.113.9", "ana@example.test", PASSWORD).status_code == 302

    def test_successful_sign_ins_do_not_count(self, app):
        make_user("staff", email="ana@example.test")
        for _ in range(5):
            assert self._from(app.test_client(), "198.51.100.7", "ana@example.test", PASSWORD).status_code == 302
