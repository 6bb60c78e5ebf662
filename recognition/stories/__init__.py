"""Praise routing and hero stories: the manager's inbox, nominations, approval and the wall."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register praise routing, the hero wall and nominations."""
