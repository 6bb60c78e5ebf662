"""The shell's commands: init-db, demo, tick, scheduler."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from flashpoint.extensions import db
from flashpoint.timeutil import parse_instant

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def finish_import(report, *, store: bool = True) -> None:
    """End an import command the one way every import does: all rows or none.

    On any problem the transaction is rolled back, each problem (`line N: …`) and the report's summary
    go to stderr and the command exits 1; otherwise the rows are committed (unless `store` is False,
    as in a dry run) and the summary printed.
    """
    if not report.ok:
        db.session.rollback()
        for line in report.errors:
            click.echo(line, err=True)
        click.echo(report.summary(), err=True)
        sys.exit(1)
    if store:
        db.session.commit()
    click.echo(report.summary())


def upgrade_database() -> None:
    """Create or migrate the database to the latest schema (idempotent)."""
    from flask_migrate import upgrade

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////:memory:"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(directory=MIGRATIONS_DIR, revision="heads")


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or migrate the database to the latest schema."""
    upgrade_database()
    click.echo("The database is up to date.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo organisation (does nothing if data exists) and print the demo logins."""
    from flashpoint.demo import DEMO_PASSWORD, load_demo

    if not load_demo():
        click.echo("Data already exists; the demo was not loaded.")
        return
    click.echo("The demo organisation is loaded. Sign in at /login with any of these:")
    for role, email in (("admin", "admin@demo.flashpoint.test"), ("hr", "hr@demo.flashpoint.test"),
                        ("manager", "manager@demo.flashpoint.test"), ("staff", "staff@demo.flashpoint.test")):
        click.echo(f"  {role:<8} {email:<32} password: {DEMO_PASSWORD}")


@click.command("tick")
@click.option("--now", "now_text", default=None, help="ISO 8601 instant (UTC when no offset).")
@with_appcontext
def tick_command(now_text):
    """Run once every duty due at that instant, then exit."""
    from flashpoint.scheduler import tick

    try:
        now = parse_instant(now_text) if now_text else None
    except ValueError:
        raise click.BadParameter(f"'{now_text}' is not an ISO 8601 date and time", param_hint="--now")
    for name, outcome in tick(now):
        click.echo(f"{name}: {outcome}")


@click.command("scheduler")
@click.option("--interval", default=30, show_default=True, help="Seconds between ticks.")
@with_appcontext
def scheduler_command(interval):
    """Run the scheduler process (exactly one per deployment)."""
    from flashpoint.scheduler import run_blocking

    click.echo(f"Scheduler running; a tick every {interval} s. Ctrl+C stops it.")
    run_blocking(current_app._get_current_object(), interval)


def init_app(app: Flask) -> None:
    for command in (init_db_command, demo_command, tick_command, scheduler_command):
        app.cli.add_command(command)
