"""The heroes channel: where story celebrations, the weekly digest and "You said, we did" are posted."""
from flask import current_app


def heroes_channel() -> str:
    """The one reading of SLACK_HEROES_CHANNEL (an empty setting falls back to the default channel)."""
    return current_app.config["SLACK_HEROES_CHANNEL"] or "#heroes"
