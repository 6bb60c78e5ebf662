"""`import-feedback FILE.csv [--dry-run]`: all rows or none, with a `line N` report."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from flashpoint.cli import finish_import
from recognition.feedback import imports

# Below this many lines the import is done before a bar would be worth drawing.
PROGRESS_FROM_LINES = 2000


def _lines(path: str) -> int:
    """Line breaks in the file, counted in steps (the file is never held whole)."""
    count = 0
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _import_with_progress(path: str, dry_run: bool) -> imports.FeedbackImportReport:
    lines = _lines(path)
    if lines < PROGRESS_FROM_LINES:
        return imports.import_path(path, dry_run=dry_run)
    # Each row is counted twice: once checked, once stored and announced to praise and insights.
    with click.progressbar(length=2 * lines, label="Importing", file=sys.stderr) as bar:
        report = imports.import_path(path, dry_run=dry_run, progress=bar.update)
        bar.update(2 * lines)  # dry runs, known rows, quoted line breaks: finish the bar
    return report


@click.command("import-feedback")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
@with_appcontext
def import_feedback_command(path, dry_run):
    """Import feedback: external_id,received_at,team,metric,score,comment[,consent]."""
    finish_import(_import_with_progress(path, dry_run), store=not dry_run)


def init_app(app: Flask) -> None:
    app.cli.add_command(import_feedback_command)
