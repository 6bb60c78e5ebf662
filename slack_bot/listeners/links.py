"""Buttons that only open a URL still reach the app; acknowledging them keeps Slack quiet."""
from slack_bolt import App


def register(bolt_app: App, flask_app) -> None:
    @bolt_app.action("open_link")
    @bolt_app.action("open_secret_link")
    def acknowledge_link(ack):
        ack()
