"""Engagement against customer scores, read from the team-period panel: the query, the points and
their figures (pooled, within teams, within departments), and the correlation API's answer.

Read-only. Only team-periods whose group meets PULSE_MIN_GROUP_SIZE enter anything here.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter

import numpy as np
import sqlalchemy as sa
from flask import current_app, jsonify
from flask.json.provider import DefaultJSONProvider

from engagement.insights import cache, stats
from engagement.pulses import anonymity
from engagement.insights.models import DRIVERS, GRAINS, TeamPeriod
from engagement.insights.periods import period_start, shift
from flashpoint import collector
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
    """One team-period as read for insights (the stored counts, engagement and stories), made from
    the panel's columns only when asked for (the page and the API work on the columns)."""

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
        return self._drivers or {}

    customer_count = TeamPeriod.customer_count
    customer_score = TeamPeriod.customer_score


def panel_range(grain: str, start: date, end: date, margin: int = 3) -> tuple[date, date]:
    """The first and last period starts a Panel reads for a range: `margin` periods either side, for
    the lags."""
    return shift(period_start(start, grain), grain, -margin), shift(period_start(end, grain), grain, margin)


_COUNT_COLUMNS = ("csat_n", "csat_good", "nps_n", "nps_promoters", "nps_detractors", "ces_n", "ces_sum")
# Each score's count, then the one or two counts its value is computed from.
_METRIC_COLUMNS = {"csat": ("csat_n", "csat_good", None), "nps": ("nps_n", "nps_promoters", "nps_detractors"),
                   "ces": ("ces_n", "ces_sum", None)}
_TREND_COLUMNS = ("enps", "stories_proactive", "stories_recovery")
_DRIVER_AT = {key: k for k, key in enumerate(DRIVERS)}


def _int_column(values: tuple, n: int) -> np.ndarray:
    try:
        return np.array(values, dtype=np.int64).reshape(n)
    except TypeError:  # a NULL among them counts as 0, as TeamPeriod's defaults do
        return np.fromiter(((value or 0) for value in values), np.int64, n)


@dataclass
class Eligible:
    """The team-periods of a range whose engagement may be shown, in the page's order (team name,
    then period): positions of their panel rows, teams and periods, and their engagement."""

    rows: np.ndarray
    team_at: np.ndarray
    period_at: np.ndarray
    engagement: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


class Panel:
    """Team-period rows of one grain over a range, with the anonymity threshold applied, held as
    columns (arrays): a year of weeks for 400 teams is 23,000 rows, two years 42,000."""

    def __init__(self, grain: str, start: date, end: date, margin: int = 3, drivers: bool = True,
                 metrics: Sequence[str] = METRICS, trends: bool = True) -> None:
        """Only what is asked for is read: `drivers=False` leaves the driver scores unread (their
        JSON is most of a row's bytes; points then answer `{}`), `metrics` names the customer scores
        whose counts are read, `trends=False` leaves eNPS and the stories unread."""
        self.grain = grain
        self.threshold = anonymity.min_group_size()
        first, last = panel_range(grain, start, end, margin)
        self._periods = [first]
        while self._periods[-1] < last:
            self._periods.append(shift(self._periods[-1], grain, 1))
        self._period_at = {start: j for j, start in enumerate(self._periods)}
        self._iso = [p.isoformat() for p in self._periods]
        counts = [name for metric in metrics for name in _METRIC_COLUMNS[metric] if name]
        values = counts + ["group_size", "engagement"] + (list(_TREND_COLUMNS) if trends else [])
        # Plain column values straight from the connection, turned into columns at once (no object
        # per row). Period starts come as SQLite's text (or PostgreSQL's dates), each distinct one
        # turned into its position among the periods once.
        columns = TeamPeriod.__table__.c
        with collector.paused():
            raw = db.session.connection().execute(
                sa.select(columns.team_id, sa.type_coerce(columns.period_start, sa.String),
                          *[columns[name] for name in values],
                          *([sa.type_coerce(columns.drivers, sa.Text)] if drivers else []))
                .where(columns.grain == grain, columns.period_start >= first, columns.period_start <= last)
            ).all()
            n = self._n = len(raw)
            by_column = list(zip(*raw)) if raw else [()] * (2 + len(values) + bool(drivers))
            del raw
            at: dict = {}
            for value in set(by_column[1]):
                at[value] = self._period_at.get(date.fromisoformat(value) if isinstance(value, str) else value, -1)
            self._row_period = np.fromiter((at[value] for value in by_column[1]), np.int64, n)
            row_team_ids = _int_column(by_column[0], n)
            self._columns: dict[str, np.ndarray] = {}
            for name, column in zip(values, by_column[2:]):
                if name in ("engagement", "enps"):  # NULL as NaN
                    self._columns[name] = np.array(column, dtype=float).reshape(n)
                else:
                    self._columns[name] = _int_column(column, n)
            self._drivers_raw = list(by_column[2 + len(values)]) if drivers else None
        self._drivers_read = drivers
        self._decoded: dict[int, dict] = {}
        self._driver_matrix = np.full((n, len(DRIVERS)), np.nan) if drivers else None

        ordered_teams = np.unique(row_team_ids)
        self._team_ids = ordered_teams
        self._row_team = np.searchsorted(ordered_teams, row_team_ids)
        self._team_at = {team_id: i for i, team_id in enumerate(ordered_teams.tolist())}
        self.teams: dict[int, TeamInfo] = {}
        if n:
            teams = db.session.execute(sa.select(Team.id, Team.slug, Team.name, Team.parent_id)
                                       .where(Team.id.in_(self._team_at))).all()
            parent_ids = {t.parent_id for t in teams if t.parent_id}
            parents = dict(db.session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(parent_ids))).all()) \
                if parent_ids else {}
            for t in teams:
                self.teams[t.id] = TeamInfo(t.id, t.slug, t.name, t.parent_id or t.id, parents.get(t.parent_id, t.name))
        ordered = ordered_teams.tolist()
        self._department_ids = np.array([self.teams[t].department_id for t in ordered], dtype=np.int64)
        # Each team's place in the order of team names (teams of one name share it).
        names = [self.teams[t].name for t in ordered]
        name_rank = {name: i for i, name in enumerate(sorted(set(names)))}
        self._name_rank = np.array([name_rank[name] for name in names], dtype=np.int64)
        engagement = self._columns["engagement"]
        # Engagement is shown only where the group meets the anonymity threshold.
        self._eligible_mask = (~np.isnan(engagement)) & (self._columns["group_size"] >= self.threshold) \
            & (self._row_period >= 0)
        self._eligible: dict = {}
        self._scores: dict = {}

    def __len__(self) -> int:
        return self._n

    def eligible_in(self, start: date, end: date) -> Eligible:
        """The eligible team-periods from `start` to `end`, in the page's order (team name, period;
        rows of one team name and period in the order they were read)."""
        key = (start, end)
        if key not in self._eligible:
            in_range = np.array([start <= p <= end for p in self._periods] + [False], bool)
            rows = np.flatnonzero(self._eligible_mask & in_range[self._row_period])
            period_at = self._row_period[rows]
            team_at = self._row_team[rows]
            order = np.lexsort((rows, period_at, self._name_rank[team_at]))
            rows, period_at, team_at = rows[order], period_at[order], team_at[order]
            self._eligible[key] = Eligible(rows, team_at, period_at, self._columns["engagement"][rows])
        return self._eligible[key]

    def engagement_rows(self, start: date, end: date) -> list[PanelRow]:
        return [self.row(i) for i in self.eligible_in(start, end).rows.tolist()]

    def team_ids(self, positions: np.ndarray | None = None) -> list[int]:
        """The ids of the teams at `positions` (by default every team read, in id order)."""
        return (self._team_ids if positions is None else self._team_ids[positions]).tolist()

    def period_starts(self, period_at: np.ndarray) -> list[str]:
        """The ISO dates of period positions."""
        iso = self._iso
        return [iso[j] for j in period_at.tolist()]

    def row(self, i: int) -> PanelRow:
        """Panel row `i` as an object (columns not read are None)."""
        def value(name):
            column = self._columns.get(name)
            if column is None:
                return None
            v = column[i].item()
            return None if isinstance(v, float) and v != v else v
        drivers = self.drivers_of(i) if self._drivers_read else {}
        return PanelRow(int(self._team_ids[self._row_team[i]]), self._periods[self._row_period[i]],
                        *[value(name) for name in PanelRow.COLUMNS[2:-1]], drivers)

    def _grid(self, metric: str):
        """The customer score and its item count of every (team, period) as arrays [team, period],
        NaN where fewer than MIN_CUSTOMER_ITEMS items (the same arithmetic as TeamPeriod.customer_score)."""
        if metric not in self._scores:
            shape = (len(self._team_ids), len(self._periods))
            n = np.zeros(shape, dtype=np.int64)
            a, b = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
            columns = _METRIC_COLUMNS[metric]
            inside = self._row_period >= 0
            at = (self._row_team[inside], self._row_period[inside])
            n[at] = self._columns[columns[0]][inside]
            a[at] = self._columns[columns[1]][inside]
            if columns[2]:
                b[at] = self._columns[columns[2]][inside]
            self._scores[metric] = (_score(metric, n, a, b), n)
        return self._scores[metric]

    def row_scores(self, metric: str, rows: np.ndarray) -> np.ndarray:
        """The customer score of panel rows `rows` (NaN below MIN_CUSTOMER_ITEMS items)."""
        columns = _METRIC_COLUMNS[metric]
        n = self._columns[columns[0]][rows]
        b = self._columns[columns[2]][rows] if columns[2] else np.zeros(len(rows), dtype=np.int64)
        return _score(metric, n, self._columns[columns[1]][rows], b)

    def column(self, name: str) -> np.ndarray:
        return self._columns[name]

    def points(self, metric: str, lag: int, start: date, end: date) -> PointSet:
        eligible = self.eligible_in(start, end)
        team_at, period_at = eligible.team_at, eligible.period_at
        score, n = self._grid(metric)
        target = period_at + lag
        inside = (target >= 0) & (target < len(self._periods))
        customer = np.full(len(eligible), np.nan)
        items = np.zeros(len(eligible), dtype=np.int64)
        if len(eligible):
            customer[inside] = score[team_at[inside], target[inside]]
            items[inside] = n[team_at[inside], target[inside]]
        keep = np.flatnonzero(~np.isnan(customer))
        return PointSet(self, eligible.rows[keep], eligible.engagement[keep], customer[keep], items[keep],
                        team_at[keep], period_at[keep])

    def _decode(self, rows: np.ndarray) -> None:
        """Decode the driver scores of `rows` not decoded yet into the matrix (one JSON call for
        them all: thousands of small ones cost more than the rest)."""
        wanted = [i for i in rows.tolist() if i not in self._decoded]
        if not wanted:
            return
        raw = self._drivers_raw
        texts = [i for i in wanted if isinstance(raw[i], str)]
        decoded = dict.fromkeys(wanted, {})
        for i in wanted:
            if isinstance(raw[i], dict):
                decoded[i] = raw[i]
        if texts:
            try:
                values = json.loads("[" + ",".join(raw[i] for i in texts) + "]")
            except ValueError:  # one by one, so the damaged row raises as reading it alone would
                values = [json.loads(raw[i]) for i in texts]
            for i, value in zip(texts, values):
                decoded[i] = value
        # Rows with the same keys in the same order (most of them) are put in the matrix at once.
        by_keys: dict[tuple, list[int]] = {}
        for i, value in decoded.items():
            value = value or {}
            self._decoded[i] = value
            if value:
                by_keys.setdefault(tuple(value), []).append(i)
        for keys, members in by_keys.items():
            known = [(j, _DRIVER_AT[key]) for j, key in enumerate(keys) if key in _DRIVER_AT]
            if not known:
                continue
            take = itemgetter(*[keys[j] for j, _ in known])
            scores = np.array([take(self._decoded[i]) for i in members], dtype=float).reshape(len(members), len(known))
            self._driver_matrix[np.ix_(np.array(members, dtype=np.int64), [k for _, k in known])] = scores

    def drivers_of(self, i: int) -> dict:
        """Panel row `i`'s {driver: score}, as stored."""
        if self._driver_matrix is None:
            return {}
        self._decode(np.array([i]))
        return self._decoded[i]

    def driver_scores(self, rows: np.ndarray, keys: Sequence[str] = DRIVERS) -> np.ndarray:
        """The driver scores of panel rows `rows` as a matrix [row, driver of `keys`], NaN where a
        driver was not asked."""
        if self._driver_matrix is None:
            return np.full((len(rows), len(keys)), np.nan)
        self._decode(rows)
        return self._driver_matrix[rows][:, [_DRIVER_AT[key] for key in keys]]


def _score(metric: str, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """TeamPeriod.customer_score's arithmetic on arrays: NaN below MIN_CUSTOMER_ITEMS items."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "csat":
            score = 100.0 * a / n
        elif metric == "nps":
            score = 100.0 * (a - b) / n
        else:
            score = a / n
    score[(n < MIN_CUSTOMER_ITEMS) | (n == 0)] = np.nan
    return score


class PointSet(Sequence):
    """The points of one metric and lag, in the page's order: arrays for the statistics, and Point
    objects made only when someone iterates (a year of weeks is thousands of points)."""

    def __init__(self, panel: Panel, rows: np.ndarray, engagement, customer, items, team_at, period_at) -> None:
        self._panel = panel
        self.row_index = rows  # each point's panel row
        self.engagement, self.customer, self.items = engagement, customer, items.astype(float)
        self.team_at = team_at  # each point's team as a position in the panel's teams
        self.period_at = period_at  # and its period's position
        self.team_ids = panel._team_ids[team_at]
        self.department_ids = panel._department_ids[team_at]
        self._points = None

    @property
    def rows(self) -> list[PanelRow]:
        return [self._panel.row(i) for i in self.row_index.tolist()]

    def periods(self) -> int:
        """How many distinct periods the points fall in."""
        return len(np.unique(self.period_at))

    def __len__(self) -> int:
        return len(self.row_index)

    def _made(self) -> list[Point]:
        if self._points is None:
            panel = self._panel
            teams = panel.teams
            panel.driver_scores(self.row_index)  # every point's driver scores decoded in one go
            self._points = [Point(teams[team_id], panel._periods[j], e, c, int(i), panel.drivers_of(row))
                            for row, team_id, j, e, c, i in zip(
                                self.row_index.tolist(), self.team_ids.tolist(), self.period_at.tolist(),
                                self.engagement.tolist(), self.customer.tolist(), self.items.tolist())]
        return self._points

    def __getitem__(self, index):
        return self._made()[index]

    def payload(self) -> list[dict]:
        """The points as the correlation API gives them, straight from the arrays (no Point objects)."""
        teams = self._panel.teams
        slugs = [teams[team_id].slug for team_id in self._panel._team_ids.tolist()]
        iso = self._panel._iso
        return [{"team": slugs[t], "period_start": iso[j], "engagement": e, "customer": c}
                for t, j, e, c in zip(self.team_at.tolist(), self.period_at.tolist(),
                                      self.engagement.tolist(), self.customer.tolist())]

    def payload_json(self) -> bytes:
        """`payload()` as compact JSON with sorted keys (what Flask writes): floats as repr() writes
        them, as the JSON encoder does; engagement and customer are never NaN here."""
        teams = self._panel.teams
        slugs = [json.dumps(teams[team_id].slug) for team_id in self._panel._team_ids.tolist()]
        iso = self._panel._iso
        return ("[" + ",".join(['{"customer":%r,"engagement":%r,"period_start":"%s","team":%s}' % (c, e, iso[j], slugs[t])
                                for t, j, e, c in zip(self.team_at.tolist(), self.period_at.tolist(),
                                                      self.engagement.tolist(), self.customer.tolist())])
                + "]").encode()

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
    Two years of weeks is 40,000 points, 3.4 MB: when Flask writes compact JSON with sorted keys
    (its default outside debug mode), the points are written straight from the arrays, byte for
    byte as Flask would write them, instead of as 40,000 dicts for the JSON encoder."""
    first, last = panel_range(query.grain, query.start, query.end)

    def compute() -> bytes:
        with collector.paused():
            payload, points = _correlation(query)
            provider = current_app.json
            if not (isinstance(provider, DefaultJSONProvider) and type(provider).dumps is DefaultJSONProvider.dumps
                    and provider.sort_keys and provider.ensure_ascii
                    and (provider.compact or (provider.compact is None and not current_app.debug))):
                return jsonify(dict(payload, points=points.payload())).get_data()
            payload["points"] = _POINTS_MARK
            body = jsonify(payload).get_data()
            return body.replace(json.dumps(_POINTS_MARK).encode(), points.payload_json(), 1)

    return cache.kept(("correlation", query.key()), query.grain, first, last, compute)


_POINTS_MARK = "@points@"  # where the points go in the written answer (no other value of it can be this)


def correlation_payload(query: Query) -> dict:
    """The JSON answer of GET /api/v1/insights/correlation (docs/interface.md, "Correlation figures")."""
    payload, points = _correlation(query)
    payload["points"] = points.payload()
    return payload


def _correlation(query: Query) -> tuple[dict, PointSet]:
    """The answer without its points, and the points."""
    panel = Panel(query.grain, query.start, query.end, drivers=False, metrics=(query.metric,), trends=False)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    figures = correlate(points, query.weighted, departments=False)
    pooled, within = figures["pooled"], figures["within_team"]
    payload = {
        "metric": query.metric, "grain": query.grain, "lag": query.lag,
        "from": query.start.isoformat(), "to": query.end.isoformat(),
        "n": pooled.n, "teams": pooled.teams,
        "pearson": pooled.pearson.as_dict(), "spearman": pooled.spearman.as_dict(),
        "within_team": within.as_dict(),
    }
    if query.weighted:
        payload["weight"] = "feedback"
    return payload, points
