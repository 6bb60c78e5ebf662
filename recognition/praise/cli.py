"""`flask route-praise`: route positive feedback that arrived before praise routing looked at it."""
from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.praise.routing import route_existing


@click.command("route-praise")
@click.option("--notify-days", default=7, show_default=True, type=click.IntRange(0, 3650),
              help="Tell people and managers only about feedback received in these last days.")
@with_appcontext
def route_praise_command(notify_days: int) -> None:
    """Match the employees named in positive feedback not yet routed (idempotent)."""
    routed = route_existing(notify_since=utcnow() - timedelta(days=notify_days))
    db.session.commit()
    click.echo(f"{routed} piece{'s' if routed != 1 else ''} of feedback named someone and "
               f"{'were' if routed != 1 else 'was'} routed.")
