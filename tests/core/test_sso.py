"""Signing in with OpenID Connect, against a real provider process (oidc-provider-mock, a provider
built on Authlib's server side) served on a free port: discovery, the authorization code flow with
PKCE, the ID token checked against its keys. The redirects are followed by hand: Flashpoint →
the provider's consent form → Flashpoint's callback.

Instants are fixed: the provider is told the token's `iat` and `exp`, and the app's clock is set."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from flashpoint.extensions import db
from flashpoint.people import views
from flashpoint.people.models import User
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_user
from tests.sso_provider import CLIENT_ID, NOW, NOW_TS, identity, provider, sso_settings  # noqa: F401  (fixture)


@pytest.fixture
def app_overrides(provider):
    return sso_settings(provider, OIDC_LABEL="Sign in with Acme")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)


def authorize(client) -> str:
    """Start at Flashpoint: the provider's authorization URL it sends the browser to."""
    response = client.get("/login/oidc")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def consent(authorize_url: str, sub: str | None = None, **form) -> str:
    """Answer the provider's consent form; the callback path and query it redirects back to."""
    answer = requests.post(authorize_url, data={"sub": sub, **form} if sub else form, allow_redirects=False,
                           timeout=5)
    assert answer.status_code == 302, answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "flashpoint.test" and back.path == "/login/oidc/callback"
    return f"{back.path}?{back.query}"


def sign_in_with_sso(client, sub: str):
    return client.get(consent(authorize(client), sub))


def signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        user_id = session.get("_user_id")
    if not user_id:
        return None
    return db.session.get(User, int(user_id.split(".")[0])).email


def test_a_known_person_signs_in_by_verified_email_and_is_remembered_by_sub(client, provider):
    person = make_user("staff", email="ana@example.test", name="Ana Silva")
    sub = identity(provider, "Ana@Example.test")
    url = authorize(client)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{provider}/oauth2/authorize?")
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://flashpoint.test/login/oidc/callback"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0] and "openid" in query["scope"][0].split()

    response = client.get(consent(url, sub))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(client) == "ana@example.test"
    assert "Hello, Ana" in client.get("/").get_data(as_text=True)
    db.session.refresh(person)
    assert person.oidc_subject == sub and person.last_login_at == NOW

    # Remembered by sub: a later sign-in finds her though the provider now gives another address.
    requests.put(f"{provider}/users/{sub}", json={"email": "ana.silva@example.test", "email_verified": True,
                                                  "iat": NOW_TS, "exp": NOW_TS + 3600}, timeout=5)
    other = client.application.test_client()
    assert sign_in_with_sso(other, sub).headers["Location"] == "/"
    assert signed_in_as(other) == "ana@example.test"


def test_signing_out_ends_an_sso_session_like_a_password_one(client, provider):
    make_user("staff", email="ben@example.test")
    sign_in_with_sso(client, identity(provider, "ben@example.test"))
    with client.session_transaction() as session:
        copied = dict(session)
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    thief = client.application.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert thief.get("/").status_code == 302  # the copied cookie's session generation is over


def test_a_replayed_or_forged_state_is_refused(client, provider):
    make_user("staff", email="cy@example.test")
    callback = consent(authorize(client), identity(provider, "cy@example.test"))
    assert client.get(callback).status_code == 302
    # The same answer again, in the same browser or another: its state was used up.
    for replayer in (client, client.application.test_client()):
        replay = replayer.get(callback)
        assert replay.status_code == 400
        assert "was not started here, or was already used" in replay.get_data(as_text=True)

    forger = client.application.test_client()
    authorize(forger)  # a sign-in under way, with a state of its own
    forged = forger.get("/login/oidc/callback?code=anything&state=made-up")
    assert forged.status_code == 400 and signed_in_as(forger) is None


def test_starting_again_abandons_the_sign_in_started_before(client, provider):
    make_user("staff", email="flo@example.test")
    sub = identity(provider, "flo@example.test")
    first = authorize(client)
    for _ in range(30):  # the session keeps one sign-in under way, not thirty
        second = authorize(client)
    with client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 1
    assert client.get(consent(first, sub)).status_code == 400
    assert client.get(consent(second, sub)).headers["Location"] == "/"


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self, provider):
        return sso_settings(provider, LOGIN_RATE_LIMIT="3 per minute")

    def test_the_sign_in_limit_per_address_covers_the_callback(self, client):
        answers = [client.get("/login/oidc/callback?state=guess&code=guess").status_code for _ in range(4)]
        assert answers == [400, 400, 400, 429]


def test_a_code_the_provider_never_issued_is_refused(client, provider):
    state = parse_qs(urlsplit(authorize(client)).query)["state"][0]
    response = client.get(f"/login/oidc/callback?code=forged-code&state={state}")
    assert response.status_code == 400 and "did not accept the sign-in code" in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_an_unknown_person_is_refused_while_creating_people_is_off(client, provider):
    response = sign_in_with_sso(client, identity(provider, "stranger@example.test"))
    assert response.status_code == 403
    assert "Nobody with the address stranger@example.test has an account" in response.get_data(as_text=True)
    assert signed_in_as(client) is None
    assert db.session.scalar(db.select(User).where(User.email == "stranger@example.test")) is None


class TestCreatingPeople:
    @pytest.fixture
    def app_overrides(self, provider):
        return sso_settings(provider, OIDC_CREATE_USERS=True)

    def test_an_unknown_verified_email_becomes_a_staff_member(self, client, provider):
        sub = identity(provider, "newcomer@example.test", name="Nia Newcomer")
        response = sign_in_with_sso(client, sub)
        assert response.headers.get("Location") == "/", response.get_data(as_text=True)
        person = db.session.scalar(db.select(User).where(User.email == "newcomer@example.test"))
        assert (person.name, person.role, person.oidc_subject, person.password_hash) == \
            ("Nia Newcomer", "staff", sub, None)

    def test_an_unverified_email_creates_and_matches_nobody(self, client, provider):
        make_user("admin", email="boss@example.test")
        response = sign_in_with_sso(client, identity(provider, "boss@example.test", email_verified=False))
        assert response.status_code == 403 and "has not verified the e-mail address" in response.get_data(as_text=True)
        assert signed_in_as(client) is None


@pytest.mark.parametrize("claims,words", [
    ({"aud": "another-application"}, "signed you in to another application"),
    ({"exp": NOW_TS - 3600, "iat": NOW_TS - 7200}, "had expired when it arrived"),
    ({"iss": "https://impostor.example"}, "could not be checked"),
], ids=["another audience", "expired", "another issuer"])
def test_an_id_token_that_is_not_for_us_now_is_refused(client, provider, claims, words):
    make_user("staff", email="dee@example.test")
    response = sign_in_with_sso(client, identity(provider, "dee@example.test", **claims))
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_an_id_token_signed_by_another_key_is_refused(app, provider):
    """Forged: the provider's key id and claims that would pass, but another key's signature."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from flashpoint.people import sso

    kid = requests.get(f"{provider}/jwks", timeout=5).json()["keys"][0].get("kid")
    claims = {"iss": provider, "aud": CLIENT_ID, "sub": "forged", "email": "dee@example.test",
              "email_verified": True, "iat": NOW_TS, "exp": NOW_TS + 3600, "nonce": "n-1"}
    header = {"alg": "RS256", **({"kid": kid} if kid else {})}
    forged = jwt.encode(header, claims, RSAKey.generate_key(2048))
    with app.test_request_context():
        with pytest.raises(sso.SSORefused, match="could not be verified with its keys"):
            sso.verify_id_token({"id_token": forged}, "n-1", NOW)


def test_declined_consent_ends_on_a_clear_page(client, provider):
    response = client.get(consent(authorize(client), action="deny"))
    assert response.status_code == 403
    assert "the request was declined" in response.get_data(as_text=True)


def test_a_deactivated_person_is_not_signed_in(client, provider):
    make_user("staff", email="gone@example.test", active=False)
    response = sign_in_with_sso(client, identity(provider, "gone@example.test"))
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)


def test_an_address_linked_to_another_identity_is_not_taken_over(client, provider):
    make_user("staff", email="eve@example.test", oidc_subject="the-first-eve")
    response = sign_in_with_sso(client, identity(provider, "eve@example.test"))
    assert response.status_code == 403 and "linked to another identity" in response.get_data(as_text=True)


def test_an_unreachable_provider_is_a_clear_page(make_config):
    from flashpoint import create_app

    app = create_app(make_config(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID=CLIENT_ID))
    response = app.test_client().get("/login/oidc")
    assert response.status_code == 502 and "could not be reached" in response.get_data(as_text=True)


class TestSsoOnly:
    @pytest.fixture
    def app_overrides(self, provider):
        return sso_settings(provider, SSO_ONLY=True)

    def _password(self, client, email):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})

    def test_only_admins_may_use_a_password(self, client):
        make_user("staff", email="staff@example.test")
        make_user("admin", email="admin@example.test")
        page = client.get("/login").get_data(as_text=True)
        assert "Sign in with SSO" in page and "Administrators: sign in with a password" in page
        refused = self._password(client, "staff@example.test")
        assert refused.status_code == 200 and "kept for administrators" in refused.get_data(as_text=True)
        assert signed_in_as(client) is None
        assert self._password(client, "admin@example.test").status_code == 302
        assert signed_in_as(client) == "admin@example.test"

    def test_a_reset_or_welcome_link_sets_no_password_for_anyone_but_admins(self, client, monkeypatch):
        from flashpoint.notifications import account_views, services

        monkeypatch.setattr(account_views, "utcnow", lambda: NOW)

        staff = make_user("staff", email="staff@example.test")
        admin = make_user("admin", email="admin@example.test")
        _link, staff_token = services.issue_account_link(staff, "reset", NOW, hand_over=False)
        _link, admin_token = services.issue_account_link(admin, "reset", NOW, hand_over=False)
        db.session.commit()
        refused = client.get(f"/account/reset/{staff_token}")
        assert refused.status_code == 410 and "Passwords are kept for administrators" in refused.get_data(as_text=True)
        assert client.get(f"/account/reset/{admin_token}").status_code == 200


@pytest.mark.parametrize("settings,words", [
    ({"OIDC_ISSUER": "https://idp.example"}, "OIDC_CLIENT_ID is not"),
    ({"OIDC_ISSUER": "http://idp.example", "OIDC_CLIENT_ID": CLIENT_ID}, "must be an https:// address"),
])
def test_a_half_or_insecure_configuration_stops_the_app_at_start(make_config, settings, words):
    from flashpoint import create_app

    with pytest.raises(ValueError, match=words):
        create_app(make_config(**settings))


def test_without_an_issuer_there_is_no_sso(make_config):
    from flashpoint import create_app

    app = create_app(make_config())
    client = app.test_client()
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?state=x&code=y").status_code == 404
    assert "Sign in with SSO" not in client.get("/login").get_data(as_text=True)
