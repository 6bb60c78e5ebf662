"""Pulse commands: `pulse-now` opens a cycle at once for the named teams."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from engagement.pulses import cycles, delivery
from engagement.pulses.errors import PulseError
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow


@click.command("pulse-now")
@click.option("--team", "teams", multiple=True, required=True, help="Team slug (repeat for several).")
@with_appcontext
def pulse_now_command(teams):
    """Open a pulse cycle now for these teams: sent at once, open for 7 days."""
    now = utcnow()
    try:
        outcome = cycles.pulse_now(list(teams), now)
        db.session.commit()
    except PulseError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    sent = delivery.send_due_invitations(now)
    db.session.commit()
    for team, cycle, message in outcome:
        click.echo(f"{team.slug}: {message}" + (f" (cycle {cycle.id}, closes {cycle.closes_at:%Y-%m-%d %H:%M} UTC)" if cycle else ""))
    click.echo(f"{sent} invitations sent.")
