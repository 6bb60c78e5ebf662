"""Engagement: pulse surveys — question bank, schedules, cycles, anonymous answers, results."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this area's blueprints, commands, duties, navigation and demo data."""
    from engagement.pulses import models  # noqa: F401  (tables known to Alembic and tests)
