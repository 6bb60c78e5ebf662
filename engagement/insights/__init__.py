"""Engagement: insights."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this area's blueprints, commands, duties, navigation and demo data."""
