"""Fixtures for the stories tests: a fresh signed-in browser per person."""
import pytest
from flask import g
from flask.testing import FlaskClient


class PersonClient(FlaskClient):
    """A test client that never inherits another client's signed-in user.

    The test app context stays pushed for the whole test, so Flask-Login's per-context cache
    (g._login_user) would otherwise carry one person's identity into another client's request.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the token of the last session here too
        return super().open(*args, **kwargs)


@pytest.fixture
def signed_in(app, login):
    """A new test client signed in as `user` (several people in one test)."""

    def sign_in(user):
        test_client = PersonClient(app, app.response_class, use_cookies=True)
        login(user, test_client=test_client)
        return test_client

    return sign_in
