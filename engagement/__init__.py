"""Engagement: ideas and obstacles, pulse surveys, and insights linking engagement to customers."""
from flask import Flask

from engagement import ideas, insights, pulses


def init_app(app: Flask) -> None:
    ideas.init_app(app)
    pulses.init_app(app)
    insights.init_app(app)
