"""The in-test pulling source (tests/sources/fakes.py), registered as `fake` for a test."""
import pytest

from recognition.feedback.sources import base
from tests.sources import fakes


@pytest.fixture
def fake(app):
    """The app's configuration, where a test puts FAKE_PAGES (what each sync call answers) and FAKE_TOKEN."""
    base.register("fake", "tests.sources.fakes:FakeSource", "Fake Desk")
    fakes.CALLS.clear()
    yield app.config
    base.unregister("fake")
    app.config.pop("FAKE_PAGES", None)
    app.config.pop("FAKE_TOKEN", None)
