"""The Slack app: Bolt listeners for commands, shortcuts, actions and events, and Slack delivery."""
from datetime import timedelta

from flask import Flask

from slack_bot import models  # noqa: F401  (Alembic and the tests see the tables)


def init_app(app: Flask) -> None:
    """Mount the Bolt app when Slack is configured; the web app works without it."""
    from flashpoint.outbox import delivery
    from flashpoint.scheduler import register_duty
    from slack_bot import blocks, cli, events
    from slack_bot.adapter import events_blueprint
    from slack_bot.app import build_bolt_app, slack_configured

    cli.init_app(app)
    # The digest is domain code (no Slack in it) and runs with or without Slack configured.
    from recognition import digest

    digest.init_app(app)
    blocks.load_builders()
    register_duty(app, "slack.prune_events", timedelta(days=1), events.prune_events)
    if not slack_configured(app.config):
        return
    build_bolt_app(app)
    app.register_blueprint(events_blueprint())
    from slack_bot.messages import sync_decided_approvals
    from slack_bot.transport import SlackTransport

    register_duty(app, "slack.sync_approvals", timedelta(minutes=1), sync_decided_approvals)

    delivery.register_transport(app, SlackTransport(), order=10)
