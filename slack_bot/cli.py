"""`flask --app wsgi slack-socket`: the Slack app over Socket Mode (no public URL needed)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("slack-socket")
@with_appcontext
def slack_socket_command():
    """Run the Slack app over Socket Mode (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from slack_bot.app import bolt_app, build_bolt_app

    app = current_app._get_current_object()
    if not app.config.get("SLACK_APP_TOKEN"):
        raise click.ClickException(
            "SLACK_APP_TOKEN is not set. Create an app-level token with the connections:write "
            "scope (Slack app settings → Basic Information → App-Level Tokens) and set it, "
            "or serve Slack over HTTP at POST /slack/events instead.")
    if not app.config.get("SLACK_BOT_TOKEN"):
        raise click.ClickException("SLACK_BOT_TOKEN is not set (OAuth & Permissions → Bot User OAuth Token).")
    bolt = bolt_app(app) or build_bolt_app(app, socket_mode=True)
    click.echo("Connecting to Slack over Socket Mode. Ctrl+C stops it.")
    SocketModeHandler(bolt, app.config["SLACK_APP_TOKEN"]).start()


def init_app(app: Flask) -> None:
    app.cli.add_command(slack_socket_command)
