"""`email-test ADDRESS`: send one e-mail now through SMTP_URL and say plainly what happened."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from flashpoint.notifications import smtp
from flashpoint.notifications.mail import envelope_sender
from flashpoint.notifications.transport import settings
from flashpoint.outbox.delivery import PermanentDeliveryError, TransientDeliveryError, UnclearDeliveryError


@click.command("email-test")
@click.argument("address")
@with_appcontext
def email_test_command(address: str) -> None:
    """Send a test e-mail to ADDRESS through SMTP_URL (checks TLS, credentials and MAIL_FROM)."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import make_msgid

    config = settings()
    if config is None:
        raise click.ClickException("SMTP_URL is not set: e-mail is off (messages stay in the app).")
    message = EmailMessage(policy=SMTP)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = address
    message["Subject"] = "Flashpoint test e-mail"
    message["Message-ID"] = make_msgid(domain=envelope_sender().rpartition("@")[2] or "localhost")
    message.set_content(f"This is a test from Flashpoint at {current_app.config['BASE_URL']}.\n"
                        "If you can read it, e-mail delivery works.\n")
    try:
        reply = smtp.send(config, envelope_sender(), address, message.as_bytes())
    except TransientDeliveryError as exc:
        raise click.ClickException(f"not sent (temporary, would be retried): {exc}")
    except PermanentDeliveryError as exc:
        raise click.ClickException(f"not sent (refused): {exc}")
    except UnclearDeliveryError as exc:
        raise click.ClickException(f"outcome unknown: {exc}")
    click.echo(f"Sent to {address} via {config.where}: {reply}")
