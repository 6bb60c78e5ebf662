"""Feedback intake: one validation and one way in for the form, the CSV import and the API."""
from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Mapping

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from flashpoint.people.models import METRICS, Team
from flashpoint.timeutil import parse_instant, utcnow
from recognition.feedback.models import COMMENT_MAX, Feedback
from recognition.sentiment import SCORE_RANGES, is_positive
from recognition.signals import feedback_received

EXTERNAL_ID_MAX = 200
HELPER_NAME_MAX = 200
FUTURE_TOLERANCE = timedelta(minutes=5)
TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0", ""}
IMPORT_COLUMNS = ("external_id", "received_at", "team", "metric", "score", "comment")
OPTIONAL_COLUMNS = ("consent", "helper_name")
# Bulk look-ups of existing external ids go in chunks (SQLite caps bound parameters per statement).
LOOKUP_CHUNK = 2000
# New items announced per step (one feedback_received each) by a bulk import.
ANNOUNCE_CHUNK = 2000
METRIC_LABELS = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}


class FeedbackInvalid(ValueError):
    """Feedback that cannot be taken in; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class FeedbackFileError(ValueError):
    """A feedback file that cannot be read at all (encoding, header)."""


@dataclass(frozen=True)
class CleanFeedback:
    external_id: str
    team: Team
    metric: str
    score: int
    received_at: datetime
    comment: str
    helper_name: str
    consent: bool


@dataclass(frozen=True)
class Received:
    feedback: Feedback
    created: bool


# --- Validation -------------------------------------------------------------------------------

def _text(value: Any) -> str:
    # PostgreSQL text cannot hold NUL characters; they carry nothing a person wrote, so they go.
    return "" if value is None else str(value).replace("\x00", "")


def _parse_score(raw: Any, metric: str | None) -> tuple[int | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, "A score is required."
    if isinstance(raw, bool):
        return None, "The score must be a whole number."
    if isinstance(raw, int):
        score = raw
    elif isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():
        score = int(raw.strip())
    else:
        return None, f"The score must be a whole number, not '{_text(raw)[:20]}'."
    if metric in SCORE_RANGES:
        low, high = SCORE_RANGES[metric]
        if not low <= score <= high:
            return None, f"{METRIC_LABELS[metric]} scores run from {low} to {high}; {score} is out of range."
    return score, None


def _parse_consent(raw: Any) -> tuple[bool, str | None]:
    if raw is None or isinstance(raw, bool):
        return bool(raw), None
    word = _text(raw).strip().lower()
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return False, f"Consent is true or false, not '{_text(raw)[:20]}'."


def _parse_received_at(raw: Any, now: datetime) -> tuple[datetime | None, str | None]:
    if isinstance(raw, datetime):
        value = parse_instant(raw.isoformat())
    else:
        text = _text(raw).strip()
        if not text:
            return None, "received_at is required (ISO 8601, e.g. 2026-03-01T14:30:00Z)."
        try:
            value = parse_instant(text)
        except ValueError:
            return None, f"'{text[:40]}' is not an ISO 8601 date and time (e.g. 2026-03-01T14:30:00Z)."
    if value > now + FUTURE_TOLERANCE:
        return None, f"received_at {value:%Y-%m-%d %H:%M} UTC is in the future."
    return value, None


def validate_feedback(fields: Mapping[str, Any], *, teams: Mapping[str, Team] | None = None,
                      now: datetime | None = None) -> CleanFeedback:
    """Check one item as INTERFACE.md says; raise FeedbackInvalid naming every problem at once.

    `teams` (slug → Team) lets a bulk import look teams up once instead of per row.
    """
    now = now or utcnow()
    errors: dict[str, str] = {}

    external_id = _text(fields.get("external_id")).strip()
    if not external_id:
        errors["external_id"] = "An external_id is required (your system's id for this item)."
    elif len(external_id) > EXTERNAL_ID_MAX:
        errors["external_id"] = f"The external_id has at most {EXTERNAL_ID_MAX} characters."

    slug = _text(fields.get("team")).strip().lower()
    team = None
    if not slug:
        errors["team"] = "A team slug is required."
    else:
        team = teams.get(slug) if teams is not None else db.session.scalar(db.select(Team).where(Team.slug == slug))
        if team is None:
            errors["team"] = f"There is no team '{slug[:64]}'."

    metric = _text(fields.get("metric")).strip().lower()
    if metric not in METRICS:
        errors["metric"] = (f"The metric must be one of {', '.join(METRICS)}"
                            + (f", not '{metric[:20]}'." if metric else "."))
        metric = None
    elif team is not None and not team.collects(metric):
        errors["metric"] = f"Team '{team.slug}' does not collect {METRIC_LABELS[metric]}."

    score, problem = _parse_score(fields.get("score"), metric)
    if problem:
        errors["score"] = problem

    received_at, problem = _parse_received_at(fields.get("received_at"), now)
    if problem:
        errors["received_at"] = problem

    comment = _text(fields.get("comment")).replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"The comment has {len(comment):,} characters; at most {COMMENT_MAX:,} are kept."

    helper_name = _text(fields.get("helper_name")).strip()
    if len(helper_name) > HELPER_NAME_MAX:
        errors["helper_name"] = f"The name has at most {HELPER_NAME_MAX} characters."

    consent, problem = _parse_consent(fields.get("consent"))
    if problem:
        errors["consent"] = problem

    if errors:
        raise FeedbackInvalid(errors)
    return CleanFeedback(external_id=external_id, team=team, metric=metric, score=score,
                         received_at=received_at, comment=comment, helper_name=helper_name, consent=consent)


# --- Storing ------------------------------------------------------------------------------------

def _new_row(item: CleanFeedback, channel: str) -> Feedback:
    return Feedback(external_id=item.external_id, team_id=item.team.id, metric=item.metric, score=item.score,
                    comment=item.comment, helper_name=item.helper_name, received_at=item.received_at,
                    channel=channel, consent=item.consent,
                    positive=is_positive(item.metric, item.score, item.comment))


def _announce(items: Iterable[Feedback]) -> None:
    """Tell praise routing and insights about new items, once, inside the caller's transaction."""
    items = list(items)
    if items:
        feedback_received.send(current_app._get_current_object(), items=items)


def by_external_id(external_id: str) -> Feedback | None:
    return db.session.scalar(db.select(Feedback).where(Feedback.external_id == external_id))


def receive_feedback(fields: Mapping[str, Any], channel: str, *, now: datetime | None = None) -> Received:
    """Take in one item (form or API). A known external_id returns the stored item unchanged.

    The caller commits. Under a race (two requests with one external_id), the unique constraint
    decides: the loser's insert is undone in its savepoint and it returns the winner's row.
    """
    item = validate_feedback(fields, now=now)
    existing = by_external_id(item.external_id)
    if existing is not None:
        return Received(existing, False)
    row = _new_row(item, channel)
    savepoint = _savepoints_work()
    try:
        if savepoint:
            with db.session.begin_nested():
                db.session.add(row)
        else:
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        if not savepoint:
            db.session.rollback()
        existing = by_external_id(item.external_id)
        if existing is None:  # a different constraint failed: not ours to hide
            raise
        return Received(existing, False)
    _announce([row])
    return Received(row, True)


def _savepoints_work() -> bool:
    """pysqlite opens no transaction before a SAVEPOINT, so RELEASE would commit at once. SQLite
    serialises writers anyway: there a lost race rolls the (otherwise empty) session back instead."""
    return db.session.get_bind().dialect.name != "sqlite"


def receive_form(team: Team, *, score: Any, comment: str, helper_name: str, consent: bool,
                 now: datetime | None = None) -> Received:
    """The public form's way in: a generated external id, the team's form metric, now."""
    now = now or utcnow()
    return receive_feedback({"external_id": f"form-{uuid.uuid4()}", "team": team.slug,
                             "metric": team.form_metric, "score": score, "comment": comment,
                             "helper_name": helper_name, "consent": consent, "received_at": now},
                            "form", now=now)


# --- CSV import -------------------------------------------------------------------------------

@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    already: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            n = len(self.errors)
            return f"Nothing was imported: {n} problem{'s' if n != 1 else ''} in {self.rows:,} rows."
        verb = "would be added" if self.dry_run else "added"
        text = f"{self.added:,} feedback item{'s' if self.added != 1 else ''} {verb}"
        text += f"; {self.already:,} {'was' if self.already == 1 else 'were'} already there"
        return text + (" (dry run: nothing was stored)." if self.dry_run else ".")


def decode_feedback_file(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is refused with a message saying so."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FeedbackFileError("The file is UTF-16, not UTF-8. Save it as 'CSV UTF-8' and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedbackFileError(
            f"The file is not UTF-8: byte {exc.start + 1} cannot be read (perhaps Windows-1252 or Latin-1). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None


def _existing_ids(external_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(external_ids), LOOKUP_CHUNK):
        chunk = external_ids[start:start + LOOKUP_CHUNK]
        found.update(db.session.scalars(db.select(Feedback.external_id).where(Feedback.external_id.in_(chunk))))
    return found


def read_feedback_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, row) pairs; the header is line 1. Raises FeedbackFileError for a bad header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise FeedbackFileError("The file is empty: it needs a header row "
                                f"({','.join(IMPORT_COLUMNS)}[,consent]).")
    header = [(h or "").strip().lower() for h in reader.fieldnames]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise FeedbackFileError(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
                                f"(the header must name {','.join(IMPORT_COLUMNS)}; consent is optional).")
    reader.fieldnames = header
    rows = []
    for row in reader:
        # reader.line_num is the physical line the row ended on; quoted line breaks make it differ
        # from the record count, and people look for the line in their editor.
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        rows.append((reader.line_num, row))
    return rows


def import_feedback(text: str, *, dry_run: bool = False, now: datetime | None = None,
                    progress: Callable[[int], None] | None = None) -> ImportReport:
    """All rows or none. Existing external ids are counted, not added; the caller commits."""
    now = now or utcnow()
    report = ImportReport(dry_run=dry_run)
    try:
        rows = read_feedback_rows(text)
    except FeedbackFileError as exc:
        report.errors.append(str(exc))
        return report
    except csv.Error as exc:
        report.errors.append(f"The file is not readable as CSV: {exc}.")
        return report
    report.rows = len(rows)
    teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
    cleaned: list[CleanFeedback] = []
    first_line: dict[str, int] = {}
    for index, (line, row) in enumerate(rows, start=1):
        if None in row:
            report.errors.append(f"line {line}: more values than columns in the header")
        else:
            try:
                item = validate_feedback(row, teams=teams, now=now)
            except FeedbackInvalid as exc:
                report.errors.append(f"line {line}: " + "; ".join(exc.errors.values()))
            else:
                if item.external_id in first_line:
                    report.errors.append(f"line {line}: external_id '{item.external_id}' "
                                         f"already appears on line {first_line[item.external_id]}")
                else:
                    first_line[item.external_id] = line
                    cleaned.append(item)
        if progress is not None and index % 500 == 0:
            progress(500)
    if progress is not None and report.rows % 500:
        progress(report.rows % 500)
    if report.errors:
        return report
    known = _existing_ids([item.external_id for item in cleaned])
    new_items = [item for item in cleaned if item.external_id not in known]
    report.already = len(cleaned) - len(new_items)
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
        report.already += len(known)
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
        _announce(db.session.scalars(db.select(Feedback).where(Feedback.id.in_(chunk)).order_by(Feedback.id)))
        if progress is not None:
            progress(len(chunk))


# --- Reading: HR's view and export ----------------------------------------------------------

@dataclass
class FeedbackFilter:
    team_ids: list[int] | None = None  # None: every team the viewer may see
    metric: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    positive_only: bool = False
    consent_only: bool = False
    channel: str | None = None
    search: str = ""


def filtered(visible_team_ids: set[int] | None, filters: FeedbackFilter):
    """A select of feedback matching the filters, newest first; `visible_team_ids` None means all."""
    stmt = db.select(Feedback).order_by(Feedback.received_at.desc(), Feedback.id.desc())
    if visible_team_ids is not None:
        stmt = stmt.where(Feedback.team_id.in_(visible_team_ids or [-1]))
    if filters.team_ids is not None:
        stmt = stmt.where(Feedback.team_id.in_(filters.team_ids or [-1]))
    if filters.metric:
        stmt = stmt.where(Feedback.metric == filters.metric)
    if filters.score_min is not None:
        stmt = stmt.where(Feedback.score >= filters.score_min)
    if filters.score_max is not None:
        stmt = stmt.where(Feedback.score <= filters.score_max)
    if filters.since is not None:
        stmt = stmt.where(Feedback.received_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Feedback.received_at < filters.until)
    if filters.positive_only:
        stmt = stmt.where(Feedback.positive.is_(True))
    if filters.consent_only:
        stmt = stmt.where(Feedback.consent.is_(True))
    if filters.channel:
        stmt = stmt.where(Feedback.channel == filters.channel)
    if filters.search:
        like = "%" + filters.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(db.or_(db.func.lower(Feedback.comment).like(like, escape="\\"),
                                 db.func.lower(Feedback.helper_name).like(like, escape="\\")))
    return stmt


EXPORT_COLUMNS = ("external_id", "received_at", "team", "metric", "score", "comment", "consent",
                  "helper_name", "channel", "positive")


def _cell(value: Any) -> str:
    """Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas: defuse them."""
    text = _text(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def export_rows(stmt) -> Iterable[str]:
    """CSV text of the selected feedback, in the import's columns first (so it can be re-imported)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + flush()  # a BOM so spreadsheet programs read the file as UTF-8
    teams = {t.id: t.slug for t in db.session.scalars(db.select(Team))}
    for item in db.session.scalars(stmt.execution_options(yield_per=1000)):
        writer.writerow([_cell(item.external_id), item.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         teams.get(item.team_id, ""), item.metric, item.score, _cell(item.comment),
                         "true" if item.consent else "false", _cell(item.helper_name), item.channel,
                         "true" if item.positive else "false"])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()


def team_counts(team: Team, now: datetime | None = None) -> dict:
    """Recent feedback counts for a team page: last 7 and 30 days, positive share, by channel."""
    now = now or utcnow()
    result: dict = {}
    for label, days in (("week", 7), ("month", 30)):
        since = now - timedelta(days=days)
        total, positive = db.session.execute(
            db.select(db.func.count(Feedback.id),
                      db.func.coalesce(db.func.sum(db.case((Feedback.positive.is_(True), 1), else_=0)), 0))
            .where(Feedback.team_id == team.id, Feedback.received_at >= since)
        ).one()
        result[label] = {"total": int(total), "positive": int(positive)}
    result["by_channel"] = dict(db.session.execute(
        db.select(Feedback.channel, db.func.count(Feedback.id))
        .where(Feedback.team_id == team.id, Feedback.received_at >= now - timedelta(days=30))
        .group_by(Feedback.channel)
    ).all())
    return result
