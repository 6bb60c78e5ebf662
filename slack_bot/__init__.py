"""The Slack app: Bolt listeners for commands, shortcuts, actions and events, and Slack delivery."""
from datetime import timedelta

from flask import Flask

from flashpoint.outbox import delivery
from flashpoint.scheduler import register_duty
from slack_bot import cli, events, home, models, notifications  # noqa: F401  (models: Alembic and tests see the tables)
from slack_bot.adapter import events_blueprint
from slack_bot.app import build_bolt_app, slack_configured
from slack_bot.people import forget
from flashpoint.registry import add_erasure


def init_app(app: Flask) -> None:
    """Mount the Bolt app when Slack is configured; the web app works without it."""
    cli.init_app(app)
    add_erasure(app, forget)
    notifications.register(app)
    home.register(app)
    register_duty(app, "slack.prune_events", timedelta(days=1), events.prune_events)
    if not slack_configured(app.config):
        return
    from slack_bot.messages import sync_decided_approvals
    from slack_bot.transport import SlackTransport

    build_bolt_app(app)
    app.register_blueprint(events_blueprint())
    delivery.register_transport(app, SlackTransport(), order=10)
    register_duty(app, "slack.sync_approvals", timedelta(minutes=1), sync_decided_approvals)
