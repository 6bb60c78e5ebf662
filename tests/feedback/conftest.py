"""Fixtures for the feedback tests: a record of every feedback_received signal sent."""
import pytest

from recognition.signals import feedback_received


@pytest.fixture
def announced(app):
    """External ids of items announced with feedback_received (what praise routing hears)."""
    seen: list[str] = []

    def receiver(sender, feedback, **_):
        assert sender is app
        assert feedback.id is not None
        seen.append(feedback.external_id)

    feedback_received.connect(receiver)
    yield seen
    feedback_received.disconnect(receiver)
