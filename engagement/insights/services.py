"""Insights' state changes: importing aggregated pulse history and rebuilding the panel."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engagement.insights import panel
from engagement.insights.models import DRIVERS, PulseHistory
from engagement.insights.periods import starts_for
from flashpoint import csvfiles
from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow

HISTORY_COLUMNS = ("team", "period_start", "driver", "score", "respondents")


@dataclass
class HistoryImportReport(csvfiles.ImportReport):
    """The import report, `updated` counting rows that replaced a stored one, and the team-periods
    refreshed."""
    team_periods: int = 0

    def summary(self) -> str:
        if not self.ok:
            return "Nothing was imported."
        return (f"{self.added} history rows added, {self.updated} replaced; "
                f"{self.team_periods} team-periods refreshed.")


def _parse_row(row: dict[str, str], teams: dict[str, int]) -> tuple[dict | None, list[str]]:
    problems = []
    slug = (row.get("team") or "").strip()
    team_id = teams.get(slug)
    if not slug:
        problems.append("team is empty")
    elif team_id is None:
        problems.append(f"unknown team '{slug}'")
    raw_date = (row.get("period_start") or "").strip()
    try:
        start = date.fromisoformat(raw_date)
    except ValueError:
        start = None
        problems.append(f"period_start '{raw_date}' is not an ISO date (YYYY-MM-DD)")
    driver = (row.get("driver") or "").strip().lower()
    if driver not in DRIVERS:
        problems.append(f"unknown driver '{driver}' (one of {', '.join(DRIVERS)})")
    raw_score = (row.get("score") or "").strip()
    try:
        score = float(raw_score)
        if not math.isfinite(score) or not 0 <= score <= 100:
            problems.append(f"score {raw_score} is outside 0–100")
    except ValueError:
        score = None
        problems.append(f"score '{raw_score}' is not a number")
    raw_respondents = (row.get("respondents") or "").strip()
    try:
        respondents = int(raw_respondents)
        if respondents < 0:
            problems.append(f"respondents {raw_respondents} is negative")
    except ValueError:
        respondents = None
        problems.append(f"respondents '{raw_respondents}' is not a whole number")
    if problems:
        return None, problems
    return {"team_id": team_id, "period_start": start, "driver": driver, "score": score,
            "respondents": respondents}, []


def _upsert_statement():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(PulseHistory)
    return stmt.on_conflict_do_update(
        index_elements=["team_id", "period_start", "driver"],
        set_={"score": stmt.excluded.score, "respondents": stmt.excluded.respondents,
              "imported_at": stmt.excluded.imported_at},
    )


def import_pulse_history(text: str) -> HistoryImportReport:
    """Add or replace history rows from CSV text, then refresh the team-periods they touch.

    All rows or none: any bad row means nothing is written and every bad row is reported as
    `line N` (the header is line 1). The caller commits.
    """
    report = HistoryImportReport()
    rows = report.read(text, HISTORY_COLUMNS)
    if not report.ok:
        return report
    teams = dict(db.session.execute(sa.select(Team.slug, Team.id)).all())
    parsed, seen = [], {}
    for row in rows:
        values, problems = _parse_row(row.values, teams)
        if problems:
            report.error(row.line, "; ".join(problems))
            continue
        key = (values["team_id"], values["period_start"], values["driver"])
        if key in seen:
            report.error(row.line, f"the same team, period_start and driver as line {seen[key]}")
            continue
        seen[key] = row.line
        parsed.append(values)
    if report.errors:
        return report
    if not parsed:
        report.errors.append("the file has no rows")
        return report
    existing = set()
    for team_id, start, driver in db.session.execute(
            sa.select(PulseHistory.team_id, PulseHistory.period_start, PulseHistory.driver)
            .where(PulseHistory.team_id.in_({v["team_id"] for v in parsed}))):
        existing.add((team_id, start, driver))
    now = utcnow()
    for values in parsed:
        values["imported_at"] = now
    db.session.execute(_upsert_statement(), parsed)
    report.updated = sum(1 for key in seen if key in existing)
    report.added = len(parsed) - report.updated
    keys = {(v["team_id"], grain, start) for v in parsed for grain, start in starts_for(v["period_start"]).items()}
    panel.refresh_team_periods(keys)
    report.team_periods = len(keys)
    return report


def rebuild_panel() -> int:
    """Recompute every team-period from raw rows (the caller commits)."""
    return panel.rebuild()
