"""The shell's commands: init-db, demo, create-team, create-user, import-people, tick, scheduler."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from flashpoint import csvfiles
from flashpoint.extensions import db
from flashpoint.people import services as people
from flashpoint.people.models import ROLE_VALUES
from flashpoint.timeutil import parse_instant

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


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


@click.command("create-team")
@click.argument("slug")
@click.option("--name", required=True, help="The team's name as people know it.")
@click.option("--parent", default=None, help="Slug of the department this team belongs to.")
@with_appcontext
def create_team_command(slug, name, parent):
    """Create a team."""
    try:
        team = people.create_team(slug, name, parent)
        db.session.commit()
    except people.PeopleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    click.echo(f"Team {team.slug} ({team.name}) created.")


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLE_VALUES))
@click.option("--team", default=None, help="Team slug; a manager with --team manages that team.")
@click.option("--password", default=None)
@click.option("--slack-id", default=None)
@click.option("--timezone", default=None)
@with_appcontext
def create_user_command(email, name, role, team, password, slack_id, timezone):
    """Create a person."""
    fields = people.PersonFields(email=email, name=name, role=role, team_slug=team, slack_id=slack_id,
                                 timezone=timezone, password=password)
    try:
        user = people.create_user(fields)
        db.session.commit()
    except people.PeopleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    click.echo(f"{user.name} <{user.email}> created as {user.role}.")


@click.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_people_command(path):
    """Upsert people from a CSV file: email,name,role,team,slack_id,timezone."""
    try:
        text = csvfiles.decode(Path(path).read_bytes())
    except csvfiles.CsvFileError as exc:
        raise click.ClickException(str(exc))
    report = people.import_people(text)
    if not report.ok:
        for line in report.errors:
            click.echo(line, err=True)
        click.echo(f"Nothing was imported: {len(report.errors)} problem(s) to fix.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(report.summary())


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
    for command in (init_db_command, demo_command, create_team_command, create_user_command,
                    import_people_command, tick_command, scheduler_command):
        app.cli.add_command(command)
