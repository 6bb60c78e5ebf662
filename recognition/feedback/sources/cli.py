"""`create-webhook NAME [--rotate]`: a signed webhook, its secret printed once, alone on the last line;
`sync-source NAME [--since YYYY-MM-DD]`: one pulling source now, with its progress."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from flashpoint.extensions import db
from recognition.feedback.sources import sync, webhooks


@click.command("create-webhook")
@click.argument("name")
@click.option("--rotate", is_flag=True, help="Give an existing webhook a new secret (the old one stops working).")
@with_appcontext
def create_webhook_command(name, rotate):
    """Create a signed webhook for a survey tool or relay; its secret is shown only this once."""
    try:
        made = webhooks.create_webhook(name, rotate=rotate)
        db.session.commit()
    except webhooks.BadWebhookName as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    click.echo(f"Webhook “{made.source.name}”: POST /api/v1/webhooks/{made.source.name}, signed as the README's "
               "“Customer feedback sources” shows.")
    click.echo("Store this secret now; it is kept sealed and cannot be shown again:")
    click.echo(made.secret)


@click.command("sync-source")
@click.argument("name")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Re-read from this day (YYYY-MM-DD, UTC) instead of the stored cursor; known items add nothing.")
@with_appcontext
def sync_source_command(name, since):
    """Pull one feedback source now (zendesk, freshdesk, google), page by page."""
    try:
        report = sync.sync_source(name.strip().lower(), since=since,
                                  progress=lambda r: click.echo(f"page {r.pages}: {r.taken:,} taken, "
                                                                f"{r.known:,} already there, {r.set_aside:,} set aside"))
    except (sync.SourceNotConfigured, sync.SyncRunning) as exc:
        raise click.ClickException(str(exc))
    if report.error:
        raise click.ClickException(report.summary() + " The next run resumes after the last page taken.")
    click.echo(report.summary())


def init_app(app: Flask) -> None:
    app.cli.add_command(create_webhook_command)
    app.cli.add_command(sync_source_command)
