"""The Slack app: Bolt listeners for commands, shortcuts, actions and events, and Slack delivery."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the Bolt app when Slack is configured; the web app works without it."""
