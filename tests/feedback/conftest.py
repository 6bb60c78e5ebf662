"""Fixtures for the feedback tests: a record of every feedback_received signal sent."""
import pytest

from recognition.signals import feedback_received


@pytest.fixture
def announced(app):
    """External ids of items announced with feedback_received (what praise routing hears)."""
    seen: list[str] = []

    def receiver(sender, items, **_):
        assert sender is app
        assert items and all(item.id is not None for item in items)
        seen.extend(item.external_id for item in items)

    feedback_received.connect(receiver)
    yield seen
    feedback_received.disconnect(receiver)
