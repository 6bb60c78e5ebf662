"""`create-api-token NAME --scope SCOPE`: prints a new bearer token once, alone on the last line."""
import click
from flask import Flask
from flask.cli import with_appcontext

from flashpoint.api import services
from flashpoint.api.models import SCOPES
from flashpoint.extensions import db


@click.command("create-api-token")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(sorted(SCOPES)),
              help="What the token may do; repeat for several.")
@with_appcontext
def create_api_token_command(name, scopes):
    """Create a bearer token for the API; it is shown only this once."""
    try:
        row, token = services.create_token(name, list(scopes))
        db.session.commit()
    except services.ApiTokenError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    click.echo(f"Token “{row.name}” with scope {', '.join(row.scopes)} (id {row.id}, starts {row.prefix}).")
    click.echo("Store it now; only a hash is kept, it cannot be shown again:")
    click.echo(token)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_api_token_command)
