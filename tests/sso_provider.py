"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock (built on
Authlib's server side) served in a thread on a free port, with discovery, a consent form, the token
endpoint and its signing keys. Any client id and secret are accepted.

Its people are set with `identity`: the claims given override what the provider would put in the
ID token, so tokens are issued at the fixed instant NOW (and a test can give another audience,
issuer or expiry)."""
from __future__ import annotations

import warnings
from datetime import datetime
from itertools import count

import pytest
import requests

with warnings.catch_warnings():  # the provider calls Authlib APIs that Authlib now calls deprecated
    warnings.simplefilter("ignore")
    from oidc_provider_mock import run_server_in_thread

NOW = datetime(2026, 3, 2, 9, 30)
NOW_TS = int((NOW - datetime(1970, 1, 1)).total_seconds())
CLIENT_ID = "flashpoint-test"
_subjects = count(1)


@pytest.fixture(scope="module")
def provider():
    """The provider's issuer URL."""
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def sso_settings(issuer: str, **extra) -> dict:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": "s3cret", **extra}


def identity(issuer: str, email: str, **claims) -> str:
    """A person at the provider under a fresh `sub` (returned), verified e-mail, tokens issued at NOW."""
    sub = f"idp-{next(_subjects)}-{email}"
    body = {"email": email, "email_verified": True, "name": "Ana Silva", "iat": NOW_TS, "auth_time": NOW_TS,
            "exp": NOW_TS + 3600, **claims}
    assert requests.put(f"{issuer}/users/{sub}", json=body, timeout=5).status_code == 204
    return sub
