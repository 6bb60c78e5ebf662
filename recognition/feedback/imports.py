"""Importing a feedback CSV: streamed in chunks (memory flat in the number of rows), all rows or none,
known external ids counted, new items stored in bulk and announced once per chunk.

An import is one pass in one transaction: each chunk of rows is checked, its known external ids
looked up, its new items inserted and announced (`feedback_received`) to praise routing and the
insights panel. The caller commits; at the first problem nothing more is stored, the caller rolls
back, and a second pass lists every problem (`line N: …`) as before. A dry run checks every row and
looks ids up without storing. The file is never held whole: the command reads it from disk.
"""
from __future__ import annotations

import codecs
import gc
import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, ContextManager, Iterator, TextIO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from flashpoint import csvfiles
from flashpoint import collector
from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.credits import credit
from recognition.feedback.intake import StoredFeedback, announce
from recognition.feedback.models import Feedback
from recognition.feedback.validation import CleanFeedback, FeedbackInvalid, validate_feedback
from recognition.sentiment import is_positive
from recognition.signals import feedback_received

IMPORT_COLUMNS = ("external_id", "received_at", "team", "metric", "score", "comment")
OPTIONAL_COLUMNS = ("consent", "helper_name", "employee_email")
# Bulk look-ups of existing external ids go in chunks (SQLite caps bound parameters per statement).
LOOKUP_CHUNK = 2000
# Rows read, checked, stored and announced per step (one feedback_received each): larger steps
# mean fewer upserts of the same team-periods; the memory an import needs is about one step's.
ANNOUNCE_CHUNK = 2000

Opener = Callable[[], ContextManager[TextIO]]


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
    """An uploaded file, decoded then imported (`import_feedback`); the caller commits."""
    try:
        text = csvfiles.decode(data)
    except csvfiles.CsvFileError as exc:
        return FeedbackImportReport(errors=[str(exc)], dry_run=dry_run, unreadable=True)
    return import_feedback(text, dry_run=dry_run, progress=progress)


def import_path(path: str | Path, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
                ) -> FeedbackImportReport:
    """A file on disk, read in steps (never whole); the caller commits."""
    problem = _encoding_problem(Path(path))
    if problem:
        return FeedbackImportReport(errors=[problem], dry_run=dry_run, unreadable=True)

    @contextmanager
    def opener() -> Iterator[TextIO]:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            yield stream
    return _import(opener, dry_run=dry_run, now=utcnow(), progress=progress)


def import_feedback(text: str, *, dry_run: bool = False, now: datetime | None = None,
                    progress: Callable[[int], None] | None = None) -> FeedbackImportReport:
    """All rows or none. Existing external ids are counted, not added; the caller commits."""
    @contextmanager
    def opener() -> Iterator[TextIO]:
        yield io.StringIO(text, newline="")
    return _import(opener, dry_run=dry_run, now=now or utcnow(), progress=progress)


def _encoding_problem(path: Path) -> str | None:
    """What `csvfiles.decode` would say of the file, read in steps: UTF-16 or not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as stream:
        head = stream.read(64)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or csvfiles._looks_utf16(head):
            return f"The file is UTF-16, not UTF-8. {csvfiles.SAVE_AS}"
        block = head
        while True:
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return (f"The file is not UTF-8: byte {offset + exc.start + 1} cannot be read "
                        f"(perhaps Windows-1252 or Latin-1). {csvfiles.SAVE_AS}")
            if not block:
                return None
            offset += len(block)
            block = stream.read(1 << 20)


def existing_ids(external_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(external_ids), LOOKUP_CHUNK):
        chunk = external_ids[start:start + LOOKUP_CHUNK]
        found.update(db.session.scalars(db.select(Feedback.external_id).where(Feedback.external_id.in_(chunk))))
    return found


def _stored_by(external_ids: set[str], created: datetime) -> set[str]:
    """Which of these ids this import stored itself (its rows share one creation instant)."""
    return set(db.session.scalars(db.select(Feedback.external_id).where(
        Feedback.external_id.in_(sorted(external_ids)), Feedback.channel == "csv", Feedback.created_at == created)))


def read_feedback_rows(text: str) -> list[csvfiles.Row]:
    """The file's rows (`Row.line`, `Row.values`); raises csvfiles.CsvFileError for an unusable file."""
    return csvfiles.read_rows(text, IMPORT_COLUMNS, OPTIONAL_COLUMNS)


class _Problem(Exception):
    """A row is wrong: stop storing; the second pass lists every problem."""


def _checked(report: FeedbackImportReport, stream: TextIO, now: datetime) -> Iterator[list[tuple[int, CleanFeedback]]]:
    """The file's clean rows in chunks of (line, item), counting rows; _Problem at the first bad row."""
    teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
    chunk: list[tuple[int, CleanFeedback]] = []
    for row in csvfiles.iter_rows(stream, IMPORT_COLUMNS, OPTIONAL_COLUMNS):
        report.rows += 1
        if row.extra:
            raise _Problem()
        try:
            chunk.append((row.line, validate_feedback(row.values, teams=teams, now=now)))
        except FeedbackInvalid:
            raise _Problem() from None
        if len(chunk) >= ANNOUNCE_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _import(opener: Opener, *, dry_run: bool, now: datetime, progress: Callable[[int], None] | None
            ) -> FeedbackImportReport:
    for attempt in (1, 2):
        report = FeedbackImportReport(dry_run=dry_run)
        try:
            with opener() as stream:
                _one_pass(report, stream, now, dry_run, progress)
            return report
        except csvfiles.CsvFileError as exc:
            report = FeedbackImportReport(dry_run=dry_run)
            report.errors.append(str(exc))
            return report
        except _Problem:
            db.session.rollback()
            return _problems(opener, now, dry_run)
        except IntegrityError:
            # Another import or the API stored some of these ids since they were looked up: undo
            # and go again, once, looking them up afresh.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _one_pass(report: FeedbackImportReport, stream: TextIO, now: datetime, dry_run: bool,
              progress: Callable[[int], None] | None) -> None:
    created = utcnow()
    positive: dict[tuple, bool] = {}  # the same short comment ("Great!") is judged once per import
    seen_in_dry_run: set[str] = set()  # a dry run stores nothing, so it remembers the ids itself
    with _collected_per_step():
        _steps(report, stream, now, dry_run, progress, created, positive, seen_in_dry_run)


@contextmanager
def _collected_per_step() -> Iterator[None]:
    """Python's cycle collector paused during the import, and run once on each step's young objects.

    A step allocates tens of thousands of rows, parameters and notifications that live until its
    end: the collector, triggered every 700 allocations, kept moving them to the oldest generation
    and then walking the whole heap (the app, the people directory's indexes), about a third of an
    import's CPU time. Collecting the two young generations at each step's end frees the step's
    garbage all the same, so memory stays flat.
    """
    with collector.paused():
        yield


def _steps(report: FeedbackImportReport, stream: TextIO, now: datetime, dry_run: bool,
           progress: Callable[[int], None] | None, created: datetime, positive: dict[tuple, bool],
           seen_in_dry_run: set[str]) -> None:
    for chunk in _checked(report, stream, now):
        if progress is not None:
            progress(len(chunk))
        ids = [item.external_id for _, item in chunk]
        if len(set(ids)) != len(ids):
            raise _Problem()
        known = existing_ids(ids)
        if dry_run:
            if seen_in_dry_run.intersection(ids):
                raise _Problem()
            seen_in_dry_run.update(ids)
        elif known and _stored_by(known, created):
            raise _Problem()  # an id this file already had on an earlier line
        new_items = [item for _, item in chunk if item.external_id not in known]
        report.unchanged += len(chunk) - len(new_items)
        report.added += len(new_items)
        if not dry_run and new_items:
            insert_many(new_items, "csv", created, positive)
        if progress is not None:
            progress(len(chunk))
        del chunk, new_items
        gc.collect(1)


def _problems(opener: Opener, now: datetime, dry_run: bool) -> FeedbackImportReport:
    """Every problem of the file, each as `line N: …`, in file order (nothing is stored)."""
    report = FeedbackImportReport(dry_run=dry_run)
    teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
    first_line: dict[str, int] = {}
    with opener() as stream:
        try:
            for row in csvfiles.iter_rows(stream, IMPORT_COLUMNS, OPTIONAL_COLUMNS):
                report.rows += 1
                if row.extra:
                    report.error(row.line, "more values than columns in the header")
                    continue
                try:
                    item = validate_feedback(row.values, teams=teams, now=now)
                except FeedbackInvalid as exc:
                    report.error(row.line, "; ".join(exc.errors.values()))
                    continue
                if item.external_id in first_line:
                    report.error(row.line, f"external_id '{item.external_id}' "
                                           f"already appears on line {first_line[item.external_id]}")
                else:
                    first_line[item.external_id] = row.line
        except csvfiles.CsvFileError as exc:
            # The first pass stopped at a bad row before reaching what makes the rest unreadable
            # (a quote never closed): that is one more problem to list, after the rows before it.
            report.errors.append(str(exc))
    return report


_table = Feedback.__table__
_INSERT = _table.insert()
_IDS = sa.select(_table.c.external_id, _table.c.id).where(
    _table.c.external_id.in_(sa.bindparam("external_ids", expanding=True)))


def insert_many(items: list[CleanFeedback], channel: str, created: datetime, positive: dict[tuple, bool],
                source: str | None = None) -> None:
    """Insert in bulk (one Core executemany), record whom they credit (`source` gave the credit),
    then announce the new items in file order. Also the pulling sources' way in."""
    rows = []
    for item in items:
        key = (item.metric, item.score, item.comment)
        if key not in positive:
            if len(positive) > 50_000:  # kept for repeated short comments, not for the whole file
                positive.clear()
            positive[key] = is_positive(item.metric, item.score, item.comment)
        rows.append({"external_id": item.external_id, "team_id": item.team.id, "metric": item.metric,
                     "score": item.score, "comment": item.comment, "helper_name": item.helper_name,
                     "received_at": item.received_at, "channel": channel, "consent": item.consent,
                     "positive": positive[key], "created_at": created})
    # One executemany without RETURNING (SQLite returns ids in the rows' order only one statement
    # per row); the new ids are then read back by external id, one statement per chunk.
    db.session.execute(_INSERT, rows)
    asking = any(item.employee_email for item in items)
    credited: dict[int, tuple[int, str | None]] = {}
    if feedback_received.receivers or asking:
        ids: dict[str, int] = {}
        for start in range(0, len(rows), LOOKUP_CHUNK):
            for external_id, new_id in db.session.execute(_IDS, {"external_ids": [
                    r["external_id"] for r in rows[start:start + LOOKUP_CHUNK]]}):
                ids[external_id] = new_id
        asked = [(ids[item.external_id], item.employee_email) for item in items if item.employee_email]
        credited = credit(asked, source) if asked else {}
    if feedback_received.receivers:
        # The rows as they were just written, without reading them back.
        announce([StoredFeedback(id=ids[values["external_id"]], team=item.team, **values)
                  for item, values in zip(items, rows)], credited)
        # What the receivers added goes now, so nothing of this step stays in memory for the next.
        db.session.flush()
