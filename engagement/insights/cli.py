"""Insights commands: import-pulse-history and rebuild-insights."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from engagement.insights import services
from flashpoint import csvfiles
from flashpoint.cli import finish_import
from flashpoint.extensions import db


@click.command("import-pulse-history")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_pulse_history_command(path):
    """Import aggregated pulse history: team,period_start,driver,score,respondents (all rows or none)."""
    try:
        text = csvfiles.decode(Path(path).read_bytes())
    except csvfiles.CsvFileError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    finish_import(services.import_pulse_history(text))


@click.command("rebuild-insights")
@with_appcontext
def rebuild_insights_command():
    """Recompute the insights panel from all feedback, pulses and history."""
    rows = services.rebuild_panel()
    db.session.commit()
    click.echo(f"The insights panel was rebuilt: {rows} team-periods.")
