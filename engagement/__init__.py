"""Engagement: ideas and obstacles, pulse surveys, and insights linking engagement to customers."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register each engagement area (ideas, pulses, insights)."""
