"""Engagement against customer scores, read from the team-period panel: the query, the points and
their figures (pooled, within teams, within departments), and the correlation API's answer.

Read-only. Only team-periods whose group meets PULSE_MIN_GROUP_SIZE enter anything here.
"""
from __future__ import annotations

import gc
import json
import re
from contextlib import contextmanager
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa
from flask import jsonify

from engagement.insights import cache, stats
from engagement.pulses import anonymity
from engagement.insights.models import GRAINS, TeamPeriod
from engagement.insights.periods import period_start, shift
from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow

METRICS = ("csat", "nps", "ces")
METRIC_LABELS = {"csat": "CSAT", "nps": "NPS", "ces": "CES"}
METRIC_UNITS = {"csat": "% satisfied (4–5 of 5)", "nps": "promoters − detractors (−100..100)",
                "ces": "mean ease rating (1–7)"}
METHODS = ("spearman", "pearson")
LAGS = tuple(range(-3, 4))
MIN_CUSTOMER_ITEMS = 5


class QueryError(Exception):
    """Query parameters that cannot be used: {field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Query:
    metric: str = "csat"
    grain: str = "month"
    lag: int = 0
    start: date | None = None
    end: date | None = None
    weighted: bool = False
    method: str = "spearman"

    def key(self) -> tuple:
        """Everything that makes one query's answer differ from another's."""
        return (self.metric, self.grain, self.lag, self.start, self.end, self.weighted, self.method)

    def args(self) -> dict:
        args = {"metric": self.metric, "grain": self.grain, "lag": self.lag, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "method": self.method}
        if self.weighted:
            args["weight"] = "feedback"
        return args


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 12 months: from the day after today's date a year ago, to today."""
    today = today or utcnow().date()
    try:
        a_year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        a_year_ago = today.replace(year=today.year - 1, day=28)
    return a_year_ago + timedelta(days=1), today


DATE_RANGE = (date(1900, 1, 1), date(2999, 12, 31))
# The same range as a pattern, for the API's document (OpenAPI 3.0 has no bounds for date strings).
DATE_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def parse_query(args, *, allow_method: bool = True, strict: bool = False) -> Query:
    """Validate query-string values; raise QueryError naming every bad one.

    The insights page's form is lenient (an empty field or `CSAT` means what a person meant). The
    API is `strict`: each value must be exactly what its OpenAPI document declares, so a parameter
    given empty (`to=`) is refused rather than read as "the default", and dates are YYYY-MM-DD only.
    """
    errors: dict[str, str] = {}
    query = Query()

    def value(key: str, default: str) -> str:
        raw = args.get(key)
        if raw is None:
            return default
        if strict:
            if raw == "":
                errors[key] = f"'{key}' is empty: leave it out for its default, or give a value."
                return default
            return raw
        return raw.strip().lower() or default

    metric = value("metric", "csat")
    if metric not in METRICS and "metric" not in errors:
        errors["metric"] = f"Unknown metric '{metric}': use csat, nps or ces."
    query.metric = metric
    grain = value("grain", "month")
    if grain not in GRAINS and "grain" not in errors:
        errors["grain"] = f"Unknown grain '{grain}': use week or month."
    query.grain = grain
    raw_lag = value("lag", "0")
    if "lag" not in errors:
        try:
            if strict and not _WHOLE_NUMBER.fullmatch(raw_lag):
                raise ValueError(raw_lag)
            query.lag = int(raw_lag)
            if query.lag not in LAGS:
                errors["lag"] = f"The lag runs from -3 to 3 periods; {query.lag} is out of range."
        except ValueError:
            errors["lag"] = f"The lag must be a whole number from -3 to 3, not '{raw_lag}'."
    dates = {}
    for key in ("from", "to"):
        raw = value(key, "")
        if raw and key not in errors:
            try:
                if strict and not _ISO_DATE.fullmatch(raw):
                    raise ValueError(raw)
                dates[key] = date.fromisoformat(raw)
            except ValueError:
                errors[key] = f"'{raw}' is not an ISO date (YYYY-MM-DD)."
            else:
                # Periods and lags are shifted by months either side; keep well inside what a date holds.
                if not DATE_RANGE[0] <= dates[key] <= DATE_RANGE[1]:
                    errors[key] = (f"'{raw}' is outside the dates insights cover "
                                   f"({DATE_RANGE[0].isoformat()} to {DATE_RANGE[1].isoformat()}).")
    # Default: the 12 months up to `to` (today when it is not given), never before the dates insights
    # cover: a `to` early in 1900 would otherwise answer with a `from` the document does not allow.
    query.end = dates.get("to") or utcnow().date()
    query.start = dates.get("from") or max(default_range(query.end)[0], DATE_RANGE[0])
    if "from" not in errors and "to" not in errors and query.start > query.end:
        errors["from"] = "'from' is after 'to'."
    weight = value("weight", "none")
    if weight not in ("none", "feedback") and "weight" not in errors:
        errors["weight"] = "Weight is 'none' or 'feedback' (by each point's number of feedback items)."
    query.weighted = weight == "feedback"
    if allow_method:
        method = value("method", "spearman")
        if method not in METHODS and "method" not in errors:
            errors["method"] = "Method is spearman or pearson."
        query.method = method
    if errors:
        raise QueryError(errors)
    return query


@dataclass
class TeamInfo:
    id: int
    slug: str
    name: str
    department_id: int
    department: str


class Point:
    """One team-period t: its engagement and the customer score of t + lag."""

    __slots__ = ("team", "period_start", "engagement", "customer", "items", "_row")

    def __init__(self, team: TeamInfo, period_start: date, engagement: float, customer: float, items: int,
                 row=None) -> None:
        self.team, self.period_start, self.engagement, self.customer, self.items = (
            team, period_start, engagement, customer, items)
        self._row = row  # its panel row, or a {driver: score} dict

    @property
    def drivers(self) -> dict:
        # The driver scores are decoded only when asked for (most points never are).
        if self._row is None:
            return {}
        return self._row if isinstance(self._row, dict) else (self._row.drivers or {})


class PanelRow:
    """One team-period as read for insights (the stored counts, engagement and stories)."""

    COLUMNS = ("team_id", "period_start", "csat_n", "csat_good", "nps_n", "nps_promoters", "nps_detractors",
               "ces_n", "ces_sum", "stories_proactive", "stories_recovery", "group_size", "engagement", "enps",
               "drivers")
    __slots__ = COLUMNS[:-1] + ("_drivers",)

    def __init__(self, *values) -> None:
        (self.team_id, self.period_start, self.csat_n, self.csat_good, self.nps_n, self.nps_promoters,
         self.nps_detractors, self.ces_n, self.ces_sum, self.stories_proactive, self.stories_recovery,
         self.group_size, self.engagement, self.enps, self._drivers) = values

    @property
    def drivers(self) -> dict:
        # Decoded only for the rows that are used: most reads never need the driver scores.
        if isinstance(self._drivers, str):
            self._drivers = json.loads(self._drivers)
        return self._drivers or {}

    customer_count = TeamPeriod.customer_count
    customer_score = TeamPeriod.customer_score


@contextmanager
def collector_paused():
    """Tens of thousands of row objects are made in one go, and none of them is garbage: the cycle
    collector their allocation sets off would walk the whole process's heap again and again (more
    than half the time of reading two years of weeks). Paused for that read only."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def panel_range(grain: str, start: date, end: date, margin: int = 3) -> tuple[date, date]:
    """The first and last period starts a Panel reads for a range: `margin` periods either side, for
    the lags."""
    return shift(period_start(start, grain), grain, -margin), shift(period_start(end, grain), grain, margin)


_COUNT_COLUMNS = ("csat_n", "csat_good", "nps_n", "nps_promoters", "nps_detractors", "ces_n", "ces_sum")


class Panel:
    """Team-period rows of one grain over a range, with the anonymity threshold applied."""

    def __init__(self, grain: str, start: date, end: date, margin: int = 3, drivers: bool = True) -> None:
        """`drivers=False` leaves the driver scores unread (rows answer `{}`): their JSON is most of
        a row's bytes, and the correlation figures never use it."""
        self.grain = grain
        self.threshold = anonymity.min_group_size()
        first, last = panel_range(grain, start, end, margin)
        # Plain column rows straight from the connection (no ORM result machinery): two years of
        # weeks for 400 teams is 40,000 rows. Period starts come as SQLite's text (or PostgreSQL's
        # dates) and are turned into dates once per distinct value.
        with collector_paused():
            columns = TeamPeriod.__table__.c
            raw = db.session.connection().execute(
                sa.select(columns.team_id, sa.type_coerce(columns.period_start, sa.String),
                          *[columns[name] for name in PanelRow.COLUMNS[2:-1]],
                          sa.type_coerce(columns.drivers, sa.Text) if drivers else sa.null())
                .where(TeamPeriod.grain == grain, TeamPeriod.period_start >= first, TeamPeriod.period_start <= last)
            )
            raw = [tuple(values) for values in raw.all()]  # slicing result rows costs more than making tuples
            starts: dict = {}
            for value in {values[1] for values in raw}:
                starts[value] = date.fromisoformat(value) if isinstance(value, str) else value
            self.rows: dict[tuple[int, date], PanelRow] = {}
            for values in raw:
                row = PanelRow(values[0], starts[values[1]], *values[2:])
                self.rows[(row.team_id, row.period_start)] = row
        team_ids = {team_id for team_id, _ in self.rows}
        self.teams: dict[int, TeamInfo] = {}
        if team_ids:
            teams = db.session.execute(sa.select(Team.id, Team.slug, Team.name, Team.parent_id)
                                       .where(Team.id.in_(team_ids))).all()
            parent_ids = {t.parent_id for t in teams if t.parent_id}
            parents = dict(db.session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(parent_ids))).all()) \
                if parent_ids else {}
            for t in teams:
                self.teams[t.id] = TeamInfo(t.id, t.slug, t.name, t.parent_id or t.id, parents.get(t.parent_id, t.name))
        self._eligible: dict = {}
        self._scores: dict = {}
        # Positions of teams and of the consecutive periods loaded, for the arrays points are read from.
        ordered_teams = sorted({t for t, _ in self.rows})
        self._team_at = {team_id: i for i, team_id in enumerate(ordered_teams)}
        self._team_ids = np.array(ordered_teams, dtype=np.int64)
        self._department_ids = np.array([self.teams[t].department_id for t in ordered_teams], dtype=np.int64)
        self._periods = [first]
        while self._periods[-1] < last:
            self._periods.append(shift(self._periods[-1], grain, 1))
        self._period_at = {start: j for j, start in enumerate(self._periods)}
        # Every row's team and period position, and the customer counts, as columns (for `_grid`), in
        # the rows' order (the panel holds one row per team, grain and period: none was dropped above).
        listed = list(self.rows.values())
        self._row_team = np.array([self._team_at[row.team_id] for row in listed], dtype=np.int64)
        self._row_period = np.array([self._period_at.get(row.period_start, -1) for row in listed], dtype=np.int64)
        by_column = list(zip(*raw)) if len(raw) == len(listed) else None
        self._counts = {
            name: np.fromiter(((value or 0) for value in by_column[PanelRow.COLUMNS.index(name)]), np.int64, len(listed))
            if by_column else np.array([getattr(row, name) or 0 for row in listed], dtype=np.int64)
            for name in _COUNT_COLUMNS}

    def eligible(self, row: PanelRow) -> bool:
        """Engagement is shown only where the group meets the anonymity threshold."""
        return row.engagement is not None and row.group_size >= self.threshold

    def engagement_rows(self, start: date, end: date) -> list[PanelRow]:
        return list(self._eligible_rows(start, end)[0])

    def _eligible_rows(self, start: date, end: date):
        """The eligible rows in the page's order (team name, period), with their team and period
        positions and engagement as arrays."""
        key = (start, end)
        if key not in self._eligible:
            rows = sorted((row for (team_id, ps), row in self.rows.items()
                           if start <= ps <= end and self.eligible(row)),
                          key=lambda r: (self.teams[r.team_id].name, r.period_start))
            self._eligible[key] = (
                rows, np.array([self._team_at[r.team_id] for r in rows], dtype=np.int64),
                np.array([self._period_at[r.period_start] for r in rows], dtype=np.int64),
                np.array([float(r.engagement) for r in rows], float))
        return self._eligible[key]

    def _grid(self, metric: str):
        """The customer score and its item count of every (team, period) as arrays [team, period],
        NaN where fewer than MIN_CUSTOMER_ITEMS items (the same arithmetic as TeamPeriod.customer_score)."""
        if metric not in self._scores:
            shape = (len(self._team_at), len(self._periods))
            n = np.zeros(shape, dtype=np.int64)
            a, b = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
            columns = {"csat": ("csat_n", "csat_good", None), "nps": ("nps_n", "nps_promoters", "nps_detractors"),
                       "ces": ("ces_n", "ces_sum", None)}[metric]
            inside = self._row_period >= 0
            at = (self._row_team[inside], self._row_period[inside])
            n[at] = self._counts[columns[0]][inside]
            a[at] = self._counts[columns[1]][inside]
            if columns[2]:
                b[at] = self._counts[columns[2]][inside]
            with np.errstate(divide="ignore", invalid="ignore"):
                if metric == "csat":
                    score = 100.0 * a / n
                elif metric == "nps":
                    score = 100.0 * (a - b) / n
                else:
                    score = a / n
            score[(n < MIN_CUSTOMER_ITEMS) | (n == 0)] = np.nan
            self._scores[metric] = (score, n)
        return self._scores[metric]

    def points(self, metric: str, lag: int, start: date, end: date) -> PointSet:
        rows, team_at, period_at, engagement = self._eligible_rows(start, end)
        score, n = self._grid(metric)
        target = period_at + lag
        inside = (target >= 0) & (target < len(self._periods))
        found = np.zeros(len(rows), bool)
        customer = np.full(len(rows), np.nan)
        items = np.zeros(len(rows), dtype=np.int64)
        if len(rows):
            customer[inside] = score[team_at[inside], target[inside]]
            items[inside] = n[team_at[inside], target[inside]]
            found = ~np.isnan(customer)
        keep = np.flatnonzero(found)
        return PointSet(self, [rows[k] for k in keep], engagement[keep], customer[keep], items[keep], team_at[keep])

    def driver_scores(self, rows: list[PanelRow], keys: Sequence[str]) -> np.ndarray:
        """The driver scores of `rows` as a matrix [row, driver of `keys`], NaN where a driver was not
        asked. The rows' JSON is decoded in one call (thousands of small ones cost more than the rest)."""
        texts = [row for row in rows if isinstance(row._drivers, str)]
        if texts:
            try:
                decoded = json.loads("[" + ",".join(row._drivers for row in texts) + "]")
            except ValueError:  # one by one, so the damaged row raises as reading it alone would
                decoded = [json.loads(row._drivers) for row in texts]
            for row, value in zip(texts, decoded):
                row._drivers = value
        at = {key: k for k, key in enumerate(keys)}
        scores = np.full((len(rows), len(keys)), np.nan)
        for i, row in enumerate(rows):
            for key, value in (row._drivers or {}).items():
                k = at.get(key)
                if k is not None:
                    scores[i, k] = value
        return scores


class PointSet(Sequence):
    """The points of one metric and lag, in the page's order: arrays for the statistics, and Point
    objects made only when someone iterates (a year of weeks is thousands of points)."""

    def __init__(self, panel: Panel, rows: list, engagement, customer, items, team_at) -> None:
        self._panel, self._rows = panel, rows
        self.engagement, self.customer, self.items = engagement, customer, items.astype(float)
        self.team_at = team_at  # each point's team as a position in the panel's teams
        self.team_ids = panel._team_ids[team_at]
        self.department_ids = panel._department_ids[team_at]
        self._points = None

    @property
    def rows(self) -> list[PanelRow]:
        return self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def _made(self) -> list[Point]:
        if self._points is None:
            teams = self._panel.teams
            self._points = [Point(teams[row.team_id], row.period_start, float(e), float(c), int(i), row)
                            for row, e, c, i in zip(self._rows, self.engagement, self.customer, self.items)]
        return self._points

    def __getitem__(self, index):
        return self._made()[index]

    def payload(self) -> list[dict]:
        """The points as the correlation API gives them, straight from the arrays (no Point objects)."""
        teams, iso = self._panel.teams, {}
        return [{"team": teams[row.team_id].slug,
                 "period_start": iso.get(row.period_start) or iso.setdefault(row.period_start, row.period_start.isoformat()),
                 "engagement": e, "customer": c}
                for row, e, c in zip(self._rows, self.engagement.tolist(), self.customer.tolist())]

    def __iter__(self):
        return iter(self._made())


def _arrays(points, weighted: bool):
    if isinstance(points, PointSet):
        return points.engagement, points.customer, points.items if weighted else None
    x = np.array([p.engagement for p in points], float)
    y = np.array([p.customer for p in points], float)
    w = np.array([p.items for p in points], float) if weighted else None
    return x, y, w


def correlate(points: list[Point], weighted: bool = False, departments: bool = True) -> dict[str, stats.Correlation]:
    """Pooled, within-team and (unless `departments` is false: only the page's chosen set shows it)
    within-department figures for one set of points."""
    x, y, w = _arrays(points, weighted)
    if isinstance(points, PointSet):
        teams, department_ids = points.team_ids, points.department_ids
    else:
        teams = [p.team.id for p in points]
        department_ids = [p.team.department_id for p in points]
    figures = {
        "pooled": stats.pooled(x, y, teams, w),
        "within_team": stats.within(x, y, teams, w, group_word="team"),
    }
    if departments:
        figures["within_department"] = stats.within(x, y, department_ids, w, group_word="department")
    return figures


def correlation_json(query: Query) -> bytes:
    """The JSON body of GET /api/v1/insights/correlation: `correlation_payload` as Flask writes it,
    kept per process while the panel rows in range and the teams stay as they were (`cache`).
    Two years of weeks is 40,000 points, 3.4 MB."""
    first, last = panel_range(query.grain, query.start, query.end)
    def compute() -> bytes:
        with collector_paused():  # 40,000 points as dicts, then their JSON
            return jsonify(correlation_payload(query)).get_data()
    return cache.kept(("correlation", query.key()), query.grain, first, last, compute)


def correlation_payload(query: Query) -> dict:
    """The JSON answer of GET /api/v1/insights/correlation (docs/interface.md, "Correlation figures")."""
    panel = Panel(query.grain, query.start, query.end, drivers=False)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    figures = correlate(points, query.weighted, departments=False)
    pooled, within = figures["pooled"], figures["within_team"]
    payload = {
        "metric": query.metric, "grain": query.grain, "lag": query.lag,
        "from": query.start.isoformat(), "to": query.end.isoformat(),
        "n": pooled.n, "teams": pooled.teams,
        "pearson": pooled.pearson.as_dict(), "spearman": pooled.spearman.as_dict(),
        "within_team": within.as_dict(),
        "points": points.payload(),
    }
    if query.weighted:
        payload["weight"] = "feedback"
    return payload
