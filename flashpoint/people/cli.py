"""People's commands: create-team, create-user, import-people, erase-person."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from flashpoint import csvfiles
from flashpoint.cli import finish_import
from flashpoint.extensions import db
from flashpoint.people import personal_data
from flashpoint.people import services as people
from flashpoint.people.models import ROLE_VALUES
from flashpoint.people.teams import create_team


@click.command("create-team")
@click.argument("slug")
@click.option("--name", required=True, help="The team's name as people know it.")
@click.option("--parent", default=None, help="Slug of the department this team belongs to.")
@with_appcontext
def create_team_command(slug, name, parent):
    """Create a team."""
    try:
        team = create_team(slug, name, parent)
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
    finish_import(people.import_people(text))


@click.command("erase-person")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_person_command(email, yes):
    """Erase a leaver's personal data: what they did stays, under "A former colleague"."""
    person = people.user_by_email(email)
    if person is None:
        raise click.ClickException(f"Nobody has the e-mail {email}.")
    if not yes:
        click.confirm(f"Erase {person.name}'s personal data for good?", abort=True)
    try:
        personal_data.erase(person, by=None)
    except personal_data.ErasureRefused as exc:
        raise click.ClickException(str(exc))
    db.session.commit()
    click.echo(f"Erased: {email} is now \"{personal_data.FORMER}\"; the audit log records it.")


def init_app(app: Flask) -> None:
    for command in (create_team_command, create_user_command, import_people_command, erase_person_command):
        app.cli.add_command(command)
