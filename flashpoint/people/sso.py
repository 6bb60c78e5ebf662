"""Single sign-on with OpenID Connect: one generic client, configured by the environment.

Built on Authlib. The provider is found by discovery (`OIDC_ISSUER/.well-known/openid-configuration`);
the flow is the authorization code flow with PKCE (S256). `state`, `nonce` and the PKCE verifier are
kept in the signed session cookie by Authlib and used once: the callback removes them before anything
else, so a replayed or forged callback finds nothing and is refused. The ID token is verified against
the provider's published keys (its signature, issuer, audience, expiry and nonce) at the instant the
caller gives.

A person is found by the `sub` remembered at their first single sign-on, else by their e-mail address
when the provider says it is verified; creating unknown people is off unless `OIDC_CREATE_USERS`.
Every refusal is an `SSORefused` with words for people and the HTTP status to answer with.
"""
from __future__ import annotations

from datetime import datetime, timezone

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Flask, current_app, session
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError

from flashpoint.core.addresses import is_loopback
from flashpoint.extensions import db
from flashpoint.people import services
from flashpoint.people.models import Role, User

CLIENT_NAME = "oidc"
SCOPE = "openid email profile"
# What refusals call the identity provider (the button's words, OIDC_LABEL, name an action, not it).
PROVIDER = "your organisation's sign-in service"
SERVICE = PROVIDER[0].upper() + PROVIDER[1:]
# Seconds of clock difference tolerated between the provider and this server.
LEEWAY = 60


class SSORefused(services.PeopleError):
    """Single sign-on did not let this person in; the message says why in plain words."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def init_app(app: Flask) -> None:
    """Register the OpenID Connect client when OIDC_ISSUER is set (nothing is fetched until the
    first sign-in: the app starts while the provider is down)."""
    issuer = app.config.get("OIDC_ISSUER")
    if issuer and not app.config.get("OIDC_CLIENT_ID"):
        raise ValueError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both (or neither) for single sign-on")
    if issuer and not (issuer.startswith("https://") or (issuer.startswith("http://") and is_loopback(issuer))):
        # Tokens and the client secret would cross the network in clear.
        raise ValueError(f"OIDC_ISSUER must be an https:// address, not {issuer!r}")
    if not configured(app):
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"] + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions["flashpoint_sso"] = oauth


def configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def label() -> str:
    return current_app.config["OIDC_LABEL"]


def _client():
    return current_app.extensions["flashpoint_sso"].create_client(CLIENT_NAME)


def _unreachable() -> SSORefused:
    return SSORefused(f"{SERVICE} could not be reached just now. Try again in a moment, or ask an "
                      "administrator if it keeps happening.", status=502)


def _metadata(client) -> dict:
    """The provider's discovered settings, refused unless they name the issuer configured (the
    discovery document must speak for the issuer it was fetched from)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        current_app.logger.warning("OpenID Connect discovery failed", exc_info=True)
        raise _unreachable() from None
    if (metadata.get("issuer") or "").rstrip("/") != current_app.config["OIDC_ISSUER"]:
        current_app.logger.warning("OpenID Connect discovery names issuer %r, not OIDC_ISSUER", metadata.get("issuer"))
        raise SSORefused(f"{SERVICE} is not set up correctly here (its discovery document names another "
                         "issuer). Ask an administrator to check OIDC_ISSUER.", status=502)
    return metadata


def start(redirect_uri: str):
    """The redirect to the provider's sign-in page; state, nonce and PKCE verifier go to the session."""
    client = _client()
    _metadata(client)
    # One sign-in under way per browser: an abandoned one's state goes, so clicking the button again
    # and again cannot grow the session cookie past what browsers keep (4 kB).
    for key in [key for key in session if key.startswith(f"_state_{CLIENT_NAME}_")]:
        session.pop(key)
    try:
        return client.authorize_redirect(redirect_uri)
    except requests.RequestException:
        raise _unreachable() from None


def _claims_at(now: datetime) -> type[CodeIDToken]:
    """ID token claims checked at the caller's instant rather than Authlib's own clock."""
    timestamp = int(now.replace(tzinfo=timezone.utc).timestamp())

    class IDTokenAt(CodeIDToken):
        def validate(self, now=None, leeway=0):
            super().validate(now=timestamp, leeway=leeway)

    return IDTokenAt


def _take_state(state: str | None) -> dict:
    """What the session kept for this `state`, removed at once: each state opens one sign-in."""
    framework = _client().framework
    data = framework.get_state_data(session, state) if state else None
    if state:
        framework.clear_state_data(session, state)
    if not data:
        raise SSORefused("This single sign-on was not started here, or was already used. "
                         "Start again from the sign-in page.")
    return data


def _provider_error(error: str, description: str | None) -> SSORefused:
    if error == "access_denied":
        return SSORefused(f"{SERVICE} did not let Flashpoint know who you are (the request was declined). "
                          "Start again if that was a mistake.", status=403)
    current_app.logger.warning("OpenID Connect provider answered %s: %s", error, description)
    return SSORefused(f"{SERVICE} refused the sign-in ({error}). Try again, or ask an administrator.")


def verify_id_token(token: dict, nonce: str, now: datetime) -> dict:
    """The ID token's claims, verified against the provider's keys, issuer, our client id as
    audience, its expiry at `now`, and the nonce sent."""
    client = _client()
    config = current_app.config
    options = {"iss": {"essential": True, "value": _metadata(client)["issuer"]},
               "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
               "sub": {"essential": True}}
    try:
        claims = client.parse_id_token(token, nonce=nonce, claims_options=options,
                                       claims_cls=_claims_at(now), leeway=LEEWAY)
    except ExpiredTokenError:
        raise SSORefused(f"The sign-in from {PROVIDER} had expired when it arrived. Start again "
                         "(if it keeps happening, this server's clock may be wrong).") from None
    except (InvalidClaimError, MissingClaimError) as exc:
        current_app.logger.warning("ID token refused: %s", exc)
        if getattr(exc, "claim", None) == "aud":
            raise SSORefused(f"{SERVICE} signed you in to another application, not to Flashpoint. "
                             "Ask an administrator to check OIDC_CLIENT_ID.") from None
        raise SSORefused(f"The sign-in from {PROVIDER} could not be checked ({exc.description}). "
                         "Start again.") from None
    except JoseError as exc:  # a bad signature, an unknown key, a malformed token
        current_app.logger.warning("ID token refused: %r", exc)
        raise SSORefused(f"The sign-in from {PROVIDER} could not be verified with its keys. Start again, "
                         "or ask an administrator.") from None
    except requests.RequestException:
        raise _unreachable() from None
    if claims is None:
        raise SSORefused(f"{SERVICE} sent no ID token: is it an OpenID Connect provider?", status=502)
    return dict(claims)


def _email_verified(claims: dict) -> bool:
    # Some providers send the flag as a string; Microsoft Entra ID states it with `xms_edov`
    # (the e-mail's domain is verified by the tenant) instead of `email_verified`.
    return any(claims.get(name) in (True, "true", "True", 1, "1") for name in ("email_verified", "xms_edov"))


def _with_userinfo(client, token: dict, claims: dict) -> dict:
    """Providers that keep the e-mail out of the ID token give it at the userinfo endpoint."""
    if claims.get("email") or not _metadata(client).get("userinfo_endpoint"):
        return claims
    try:
        info = client.userinfo(token=token)
    except (requests.RequestException, OAuthError, ValueError):
        raise _unreachable() from None
    if info.get("sub") != claims["sub"]:  # userinfo about someone else is worth nothing
        return claims
    return {**info, **claims, "email": info.get("email"), "email_verified": info.get("email_verified"),
            "xms_edov": info.get("xms_edov")}


def finish(args: dict, now: datetime) -> User:
    """The person the provider's answer (the callback's query) signs in, with the sign-in recorded
    (the caller commits and starts the session)."""
    if args.get("error"):
        # Nobody is signed in on this path, so the provider's words are shown even when it left
        # the state out (some do on a declined consent); a state it sent is used up all the same.
        if args.get("state"):
            _client().framework.clear_state_data(session, args["state"])
        raise _provider_error(str(args["error"])[:100], args.get("error_description"))
    data = _take_state(args.get("state"))
    if not args.get("code"):
        raise SSORefused(f"{SERVICE} sent no sign-in code. Start again from the sign-in page.")
    client = _client()
    try:
        token = client.fetch_access_token(code=args["code"], state=args.get("state"),
                                          redirect_uri=data.get("redirect_uri"),
                                          code_verifier=data.get("code_verifier"))
    except AuthlibBaseError as exc:  # the token endpoint's OAuth error (invalid_grant: a forged or used code)
        current_app.logger.warning("OpenID Connect token request refused: %s", exc)
        raise SSORefused(f"{SERVICE} did not accept the sign-in code ({exc.error}). Start again.") from None
    except requests.RequestException:
        raise _unreachable() from None
    if not data.get("nonce"):  # never so from Authlib: without one the ID token's nonce would go unchecked
        raise SSORefused("This single sign-on was not started here. Start again from the sign-in page.")
    claims = _with_userinfo(client, token, verify_id_token(token, data["nonce"], now))
    user = person_for(claims, create=current_app.config["OIDC_CREATE_USERS"])
    services.record_sign_in(user, now)
    return user


def person_for(claims: dict, *, create: bool) -> User:
    """The person these verified claims are: by the `sub` remembered, else by verified e-mail
    (then the `sub` is remembered), else a new staff member when `create`."""
    subject = str(claims["sub"])
    user = db.session.scalar(db.select(User).where(User.oidc_subject == subject))
    if user is None:
        email = (claims.get("email") or "").strip()
        if not email:
            raise SSORefused(f"{SERVICE} did not tell Flashpoint your e-mail address, so we cannot tell who "
                             "you are here. Ask an administrator.", status=403)
        if not _email_verified(claims):
            raise SSORefused(f"{SERVICE} has not verified the e-mail address {email}, so it cannot sign you "
                             "in here. Ask an administrator.", status=403)
        try:
            email = services.normalise_email(email)
        except services.PeopleError:
            raise SSORefused(f"{SERVICE} gave an e-mail address Flashpoint cannot use ({email}).",
                             status=403) from None
        user = services.user_by_email(email)
        if user is not None and user.oidc_subject:
            # The address now belongs to another identity at the provider (a reused mailbox): the
            # person remembered keeps their account, the newcomer does not inherit it.
            raise SSORefused(f"The account for {email} is linked to another identity at {PROVIDER}. "
                             "Ask an administrator.", status=403)
        if user is None:
            if not create:
                raise SSORefused(f"Nobody with the address {email} has an account in Flashpoint yet. Ask an "
                                 "administrator to add you.", status=403)
            name = (claims.get("name") or email.split("@")[0]).strip()[:120]
            try:
                user = services.create_user(services.PersonFields(email=email, name=name, role=Role.STAFF.value))
            except services.PeopleError as exc:
                raise SSORefused(f"Flashpoint could not create your account: {exc}. Ask an administrator.",
                                 status=403) from None
            db.session.flush()  # its column defaults (active) are filled in
        user.oidc_subject = subject
    if not user.active:
        raise SSORefused("This account has been deactivated. Ask an administrator if that is a mistake.",
                         status=403)
    return user
