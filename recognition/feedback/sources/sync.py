"""Syncing a pulling source: its pages, each checked by the one intake validation, stored once per
external id, announced, committed with the cursor to resume from.

One page is one transaction: its new items (inserted in bulk, announced once so praise routing and
the insights panel hear of them), the items set aside with their reasons, and the cursor after it.
A crash or a provider's garbage (SourceError) mid-way loses nothing and repeats nothing: the next
run starts after the last committed page, and a page run twice adds nothing (external_id is unique).

One sync per source at a time: a sync claims the source's row (`sync_started_at`, set by a
conditional UPDATE) and frees it when it finishes; a second one (the command while the scheduler's
duty runs) is refused with SyncRunning. A claim older than LEASE is taken as left by a crashed sync.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Callable, Mapping

from flask import current_app
from sqlalchemy.exc import IntegrityError

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.imports import existing_ids, insert_many
from recognition.feedback.sources import base
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource
from recognition.feedback.validation import CleanFeedback, FeedbackInvalid, validate_feedback

log = logging.getLogger(__name__)
EVERY = timedelta(minutes=10)
EPOCH = datetime(2000, 1, 3)  # the scheduler's (flashpoint/scheduler.py): runs fall on its slots
ERROR_MAX = 2000
LEASE = timedelta(hours=1)


class SourceNotConfigured(Exception):
    """No such pulling source, or its settings are missing (the message says which)."""


class SyncRunning(Exception):
    """Another sync of this source is running (its start is in the message)."""

    def __init__(self, name: str, since: datetime | None) -> None:
        when = f" (since {since:%d %b %Y %H:%M} UTC)" if since else ""
        super().__init__(f"A sync of {name} is already running{when}; this one did not start.")


@dataclass
class SyncReport:
    source: str
    pages: int = 0
    taken: int = 0
    known: int = 0
    set_aside: int = 0
    error: str | None = None

    def summary(self) -> str:
        text = (f"{self.source}: {self.pages} page{'s' if self.pages != 1 else ''}, {self.taken:,} taken, "
                f"{self.known:,} already there, {self.set_aside:,} set aside")
        return text + (f"; stopped: {self.error}" if self.error else ".")


def next_run(now: datetime) -> datetime:
    """The scheduler's next 10-minute slot after `now`."""
    return now - (now - EPOCH) % EVERY + EVERY


def state_of(name: str, kind: str = "pull") -> FeedbackSource:
    state = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == name))
    if state is None:
        state = FeedbackSource(name=name, kind=kind, items_taken=0, items_set_aside=0)
        db.session.add(state)
        try:
            db.session.commit()
        except IntegrityError:  # another sync made it at the same moment
            db.session.rollback()
            state = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == name))
    return state


def _source(name: str) -> base.PullingSource:
    try:
        source = base.build(name, current_app.config)
    except base.SourceUnavailable as exc:
        raise SourceNotConfigured(str(exc)) from None
    if source is None:
        raise SourceNotConfigured(f"The {base.LABELS.get(name, name)} source is not configured: set its "
                                  "settings in the environment (README, “Customer feedback sources”).")
    return source


def sync_source(name: str, *, since: datetime | None = None, now: datetime | None = None,
                progress: Callable[[SyncReport], None] | None = None) -> SyncReport:
    """Pull one source from its stored cursor (or from `since`, re-reading: what is known adds
    nothing) until it has no more pages or fails; commits page by page."""
    source = _source(name)
    now = now or utcnow()
    state = state_of(name)
    _claim(state, now)
    report = SyncReport(name)
    teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
    default_team = base.settings(current_app.config).get(f"{name.upper()}_DEFAULT_TEAM")
    try:
        for page in source.pages(None if since else state.cursor, since):
            _take_page(name, page, teams, default_team, now, report)
            state.cursor = page.cursor
            db.session.commit()
            report.pages += 1
            if progress is not None:
                progress(report)
            if not page.more:
                break
    except IntegrityError:
        # Another sync of this source (the command while the scheduler ran) stored the same page first.
        db.session.rollback()
        report.error = "Another sync of this source stored the same items at the same time; the next run goes on."
    except Exception as exc:  # noqa: BLE001  (a provider's failure or a connector's bug: recorded, never fatal)
        db.session.rollback()
        if not isinstance(exc, base.SourceError):
            log.exception("sync of %s failed", name)
        report.error = (str(exc) if isinstance(exc, base.SourceError) else f"{type(exc).__name__}: {exc}")[:ERROR_MAX]
    _finish(state, report, now)
    return report


def _claim(state: FeedbackSource, now: datetime) -> None:
    """Claim the source for this sync (one atomic UPDATE), or SyncRunning."""
    claimed = db.session.execute(
        db.update(FeedbackSource).where(
            FeedbackSource.id == state.id,
            db.or_(FeedbackSource.sync_started_at.is_(None), FeedbackSource.sync_started_at < now - LEASE))
        .values(sync_started_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        raise SyncRunning(state.name, db.session.scalar(
            db.select(FeedbackSource.sync_started_at).where(FeedbackSource.id == state.id)))


def _finish(state: FeedbackSource, report: SyncReport, now: datetime) -> None:
    state = db.session.get(FeedbackSource, state.id)
    state.sync_started_at = None
    state.last_sync_at = now
    state.next_run_at = next_run(now)
    state.last_error = report.error
    if report.error is None:
        state.last_success_at = now
    state.items_taken = (state.items_taken or 0) + report.taken
    state.items_set_aside = db.session.scalar(db.select(db.func.count(FeedbackSetAside.id))
                                              .where(FeedbackSetAside.source == state.name))
    db.session.commit()


def _aside_reason(name: str, item: base.PulledItem, slug: str | None, fields: dict, teams: Mapping[str, Team],
                  now: datetime) -> tuple[str | None, CleanFeedback | None]:
    if item.aside_reason:
        return item.aside_reason, None
    if item.score is None:
        return "The item has no score.", None
    if not slug:
        return (f"No team for this item: map its group to a team, or set {name.upper()}_DEFAULT_TEAM.", None)
    try:
        return None, validate_feedback(fields, teams=teams, now=now)
    except FeedbackInvalid as exc:
        return " ".join(exc.errors.values()), None


def _take_page(name: str, page: base.Page, teams: Mapping[str, Team], default_team: str | None,
               now: datetime, report: SyncReport) -> None:
    """One page: check each item, insert the new good ones, set the bad ones aside (constant statements)."""
    good: dict[str, CleanFeedback] = {}
    aside: dict[str, dict] = {}
    for item in page.items:
        external_id = f"{name}:{item.source_item_id}"
        if external_id in good or external_id in aside:
            continue  # a provider repeating an item within a page
        slug = item.team or default_team
        fields = {"external_id": external_id, "received_at": item.received_at, "team": slug,
                  "metric": item.metric, "score": item.score, "comment": item.comment or "",
                  "consent": item.consent, "employee_email": item.employee_email or ""}
        reason, clean = _aside_reason(name, item, slug, fields, teams, now)
        if clean is not None:
            good[external_id] = clean
        else:
            aside[external_id] = {"source": name, "external_id": external_id[:200], "reason": reason, "at": now,
                                  "payload": json.dumps(asdict(item), default=str, ensure_ascii=False)}
    known = existing_ids(list(good))
    new = [clean for external_id, clean in good.items() if external_id not in known]
    if new:
        insert_many(new, "api", now, {}, source=name)
        # Taken now: whatever was set aside of these before (a team mapped since) is settled.
        db.session.execute(db.delete(FeedbackSetAside).where(
            FeedbackSetAside.source == name, FeedbackSetAside.external_id.in_([c.external_id for c in new])))
    if aside:
        _set_aside(list(aside.values()))
    report.taken += len(new)
    report.known += len(known)
    report.set_aside += len(aside)


def _set_aside(rows: list[dict]) -> None:
    """Insert or refresh (one statement): an item set aside again keeps one row, with the latest reason."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(FeedbackSetAside)
    statement = statement.on_conflict_do_update(
        index_elements=["source", "external_id"],
        set_={"reason": statement.excluded.reason, "payload": statement.excluded.payload, "at": statement.excluded.at})
    db.session.execute(statement, rows)


def run_due(now: datetime) -> str:
    """The scheduler's duty: every configured pulling source, one after the other."""
    outcomes = []
    for name in base.configured(current_app.config):
        try:
            outcomes.append(sync_source(name, now=now).summary())
        except SyncRunning as exc:
            outcomes.append(f"{name}: skipped. {exc}")
    return "; ".join(outcomes) or "no source configured"
