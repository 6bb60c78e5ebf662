"""Importing a feedback CSV: all rows or none, known external ids counted, new items stored in bulk
and announced in steps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from flashpoint import csvfiles
from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.intake import announce
from recognition.feedback.models import Feedback
from recognition.feedback.validation import CleanFeedback, FeedbackInvalid, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received

IMPORT_COLUMNS = ("external_id", "received_at", "team", "metric", "score", "comment")
OPTIONAL_COLUMNS = ("consent", "helper_name")
# Bulk look-ups of existing external ids go in chunks (SQLite caps bound parameters per statement).
LOOKUP_CHUNK = 2000
# New items announced per step (one feedback_received each) by a bulk import.
ANNOUNCE_CHUNK = 2000


@dataclass
class FeedbackImportReport(csvfiles.ImportReport):
    """The shared import report; `unchanged` counts the rows whose external id was already there."""
    dry_run: bool = False
    unreadable: bool = False  # the file itself could not be read: no row was looked at

    def summary(self) -> str:
        if not self.ok:
            if self.unreadable:
                return "Nothing was imported."
            n = len(self.errors)
            return f"Nothing was imported: {n} problem{'s' if n != 1 else ''} in {self.rows:,} rows."
        verb = "would be added" if self.dry_run else "added"
        text = f"{self.added:,} feedback item{'s' if self.added != 1 else ''} {verb}"
        text += f"; {self.unchanged:,} {'was' if self.unchanged == 1 else 'were'} already there"
        return text + (" (dry run: nothing was stored)." if self.dry_run else ".")


def import_file(data: bytes, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
                ) -> FeedbackImportReport:
    """An uploaded or given file, decoded then imported (`import_feedback`); the caller commits."""
    try:
        text = csvfiles.decode(data)
    except csvfiles.CsvFileError as exc:
        return FeedbackImportReport(errors=[str(exc)], dry_run=dry_run, unreadable=True)
    return import_feedback(text, dry_run=dry_run, progress=progress)


def _existing_ids(external_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(external_ids), LOOKUP_CHUNK):
        chunk = external_ids[start:start + LOOKUP_CHUNK]
        found.update(db.session.scalars(db.select(Feedback.external_id).where(Feedback.external_id.in_(chunk))))
    return found


def read_feedback_rows(text: str) -> list[csvfiles.Row]:
    """The file's rows (`Row.line`, `Row.values`); raises csvfiles.CsvFileError for an unusable file."""
    return csvfiles.read_rows(text, IMPORT_COLUMNS, OPTIONAL_COLUMNS)


def _clean_rows(report: FeedbackImportReport, rows: list[csvfiles.Row], now: datetime,
                progress: Callable[[int], None] | None) -> list[CleanFeedback]:
    """Every row checked, each problem recorded as `line N: …`; the clean items in file order."""
    teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
    cleaned: list[CleanFeedback] = []
    first_line: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        if row.extra:
            report.error(row.line, "more values than columns in the header")
        else:
            try:
                item = validate_feedback(row.values, teams=teams, now=now)
            except FeedbackInvalid as exc:
                report.error(row.line, "; ".join(exc.errors.values()))
            else:
                if item.external_id in first_line:
                    report.error(row.line, f"external_id '{item.external_id}' "
                                           f"already appears on line {first_line[item.external_id]}")
                else:
                    first_line[item.external_id] = row.line
                    cleaned.append(item)
        if progress is not None and index % 500 == 0:
            progress(500)
    if progress is not None and report.rows % 500:
        progress(report.rows % 500)
    return cleaned


def import_feedback(text: str, *, dry_run: bool = False, now: datetime | None = None,
                    progress: Callable[[int], None] | None = None) -> FeedbackImportReport:
    """All rows or none. Existing external ids are counted, not added; the caller commits."""
    report = FeedbackImportReport(dry_run=dry_run)
    try:
        rows = read_feedback_rows(text)
    except csvfiles.CsvFileError as exc:
        report.errors.append(str(exc))
        return report
    report.rows = len(rows)
    cleaned = _clean_rows(report, rows, now or utcnow(), progress)
    if report.errors:
        return report
    known = _existing_ids([item.external_id for item in cleaned])
    new_items = [item for item in cleaned if item.external_id not in known]
    report.unchanged = len(cleaned) - len(new_items)
    report.added = len(new_items)
    if dry_run or not new_items:
        return report
    try:
        _insert_many(new_items, "csv", progress)
    except IntegrityError:
        # Another import or the API stored some of these ids since the look-up: look again, once.
        db.session.rollback()
        known = _existing_ids([item.external_id for item in new_items])
        new_items = [item for item in new_items if item.external_id not in known]
        report.unchanged += len(known)
        report.added = len(new_items)
        _insert_many(new_items, "csv", progress)
    return report


def _insert_many(items: list[CleanFeedback], channel: str, progress: Callable[[int], None] | None = None) -> None:
    """Insert in bulk (Core executemany with RETURNING), then announce each new item in file order."""
    created = utcnow()
    positive: dict[tuple, bool] = {}  # the same short comment ("Great!") is judged once per import
    rows = []
    for item in items:
        key = (item.metric, item.score, item.comment)
        if key not in positive:
            positive[key] = is_positive(item.metric, item.score, item.comment)
        rows.append({"external_id": item.external_id, "team_id": item.team.id, "metric": item.metric,
                     "score": item.score, "comment": item.comment, "helper_name": item.helper_name,
                     "received_at": item.received_at, "channel": channel, "consent": item.consent,
                     "positive": positive[key], "created_at": created})
    statement = insert(Feedback).returning(Feedback.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), LOOKUP_CHUNK):
        ids.extend(db.session.execute(statement, rows[start:start + LOOKUP_CHUNK]).scalars())
    if not feedback_received.receivers:
        return
    # Announced in steps: each is one batch for the receivers (larger steps mean
    # fewer upserts of the same team-periods) and one move of the progress bar.
    for start in range(0, len(ids), ANNOUNCE_CHUNK):
        chunk = ids[start:start + ANNOUNCE_CHUNK]
        announce(db.session.scalars(db.select(Feedback).where(Feedback.id.in_(chunk)).order_by(Feedback.id)))
        if progress is not None:
            progress(len(chunk))
