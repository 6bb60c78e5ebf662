"""Fixtures for the stories tests: a fresh signed-in browser per person."""
import pytest


@pytest.fixture
def signed_in(app, login):
    """A new test client signed in as `user` (several people in one test)."""

    def sign_in(user):
        return login(user, test_client=app.test_client())

    return sign_in
