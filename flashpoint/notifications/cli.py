"""`email-test ADDRESS`: send one e-mail now through SMTP_URL and say plainly what happened."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from flashpoint.notifications import transport


@click.command("email-test")
@click.argument("address")
@with_appcontext
def email_test_command(address: str) -> None:
    """Send a test e-mail to ADDRESS through SMTP_URL (checks TLS, credentials and MAIL_FROM)."""
    try:
        click.echo(transport.send_test_email(address))
    except transport.EmailTestFailed as exc:
        raise click.ClickException(str(exc))
