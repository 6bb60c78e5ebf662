"""Engagement against customer scores, read from the team-period panel: the points, the figures
(pooled, within teams, within departments, by lag, by metric, by driver) and what the page charts.

Read-only. Only team-periods whose group meets PULSE_MIN_GROUP_SIZE enter anything here.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from engagement.insights import stats
from engagement.pulses import anonymity
from engagement.insights.models import DRIVER_LABELS, DRIVERS, GRAINS, TeamPeriod
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


def parse_query(args, *, allow_method: bool = True) -> Query:
    """Validate query-string values; raise QueryError naming every bad one."""
    errors: dict[str, str] = {}
    query = Query()
    metric = (args.get("metric") or "csat").strip().lower()
    if metric not in METRICS:
        errors["metric"] = f"Unknown metric '{metric}': use csat, nps or ces."
    query.metric = metric
    grain = (args.get("grain") or "month").strip().lower()
    if grain not in GRAINS:
        errors["grain"] = f"Unknown grain '{grain}': use week or month."
    query.grain = grain
    raw_lag = (args.get("lag") or "0").strip()
    try:
        query.lag = int(raw_lag)
        if query.lag not in LAGS:
            errors["lag"] = f"The lag runs from -3 to 3 periods; {query.lag} is out of range."
    except ValueError:
        errors["lag"] = f"The lag must be a whole number from -3 to 3, not '{raw_lag}'."
    dates = {}
    for key in ("from", "to"):
        raw = (args.get(key) or "").strip()
        if raw:
            try:
                dates[key] = date.fromisoformat(raw)
            except ValueError:
                errors[key] = f"'{raw}' is not an ISO date (YYYY-MM-DD)."
            else:
                # Periods and lags are shifted by months either side; keep well inside what a date holds.
                if not DATE_RANGE[0] <= dates[key] <= DATE_RANGE[1]:
                    errors[key] = (f"'{raw}' is outside the dates insights cover "
                                   f"({DATE_RANGE[0].isoformat()} to {DATE_RANGE[1].isoformat()}).")
    # Default: the 12 months up to `to` (today when it is not given).
    query.end = dates.get("to") or utcnow().date()
    query.start = dates.get("from") or default_range(query.end)[0]
    if "from" not in errors and "to" not in errors and query.start > query.end:
        errors["from"] = "'from' is after 'to'."
    weight = (args.get("weight") or "").strip().lower()
    if weight not in ("", "none", "feedback"):
        errors["weight"] = "Weight is 'none' or 'feedback' (by each point's number of feedback items)."
    query.weighted = weight == "feedback"
    if allow_method:
        method = (args.get("method") or "spearman").strip().lower()
        if method not in METHODS:
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


@dataclass
class Point:
    """One team-period t: its engagement and the customer score of t + lag."""

    team: TeamInfo
    period_start: date
    engagement: float
    customer: float
    items: int  # feedback items behind `customer` (the weight when weighting)
    drivers: dict = field(default_factory=dict)


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


class Panel:
    """Team-period rows of one grain over a range, with the anonymity threshold applied."""

    def __init__(self, grain: str, start: date, end: date, margin: int = 3) -> None:
        self.grain = grain
        self.threshold = anonymity.min_group_size()
        first = shift(period_start(start, grain), grain, -margin)
        last = shift(period_start(end, grain), grain, margin)
        # Plain column rows, not ORM objects: a three-year weekly range is thousands of rows.
        result = db.session.execute(
            sa.select(*[TeamPeriod.__table__.c[name] for name in PanelRow.COLUMNS[:-1]],
                      sa.type_coerce(TeamPeriod.__table__.c.drivers, sa.Text))
            .where(TeamPeriod.grain == grain, TeamPeriod.period_start >= first, TeamPeriod.period_start <= last)
        )
        self.rows: dict[tuple[int, date], PanelRow] = {}
        for values in result:
            row = PanelRow(*values)
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

    def eligible(self, row: PanelRow) -> bool:
        """Engagement is shown only where the group meets the anonymity threshold."""
        return row.engagement is not None and row.group_size >= self.threshold

    def engagement_rows(self, start: date, end: date) -> list[PanelRow]:
        return sorted((row for (team_id, ps), row in self.rows.items()
                       if start <= ps <= end and self.eligible(row)),
                      key=lambda r: (self.teams[r.team_id].name, r.period_start))

    def points(self, metric: str, lag: int, start: date, end: date) -> list[Point]:
        points = []
        for row in self.engagement_rows(start, end):
            target = self.rows.get((row.team_id, shift(row.period_start, self.grain, lag)))
            customer = target.customer_score(metric, MIN_CUSTOMER_ITEMS) if target is not None else None
            if customer is None:
                continue
            points.append(Point(self.teams[row.team_id], row.period_start, float(row.engagement), customer,
                                target.customer_count(metric), dict(row.drivers or {})))
        return points


def _arrays(points: list[Point], weighted: bool):
    x = np.array([p.engagement for p in points], float)
    y = np.array([p.customer for p in points], float)
    w = np.array([p.items for p in points], float) if weighted else None
    return x, y, w


def correlate(points: list[Point], weighted: bool = False) -> dict[str, stats.Correlation]:
    """Pooled, within-team and within-department figures for one set of points."""
    x, y, w = _arrays(points, weighted)
    teams = [p.team.id for p in points]
    departments = [p.team.department_id for p in points]
    return {
        "pooled": stats.pooled(x, y, teams, w),
        "within_team": stats.within(x, y, teams, w, group_word="team"),
        "within_department": stats.within(x, y, departments, w, group_word="department"),
    }


def correlation_payload(query: Query) -> dict:
    """The JSON answer of GET /api/v1/insights/correlation (docs/interface.md, "Correlation figures")."""
    panel = Panel(query.grain, query.start, query.end)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    figures = correlate(points, query.weighted)
    pooled, within = figures["pooled"], figures["within_team"]
    payload = {
        "metric": query.metric, "grain": query.grain, "lag": query.lag,
        "from": query.start.isoformat(), "to": query.end.isoformat(),
        "n": pooled.n, "teams": pooled.teams,
        "pearson": pooled.pearson.as_dict(), "spearman": pooled.spearman.as_dict(),
        "within_team": within.as_dict(),
        "points": [{"team": p.team.slug, "period_start": p.period_start.isoformat(),
                    "engagement": p.engagement, "customer": p.customer} for p in points],
    }
    if query.weighted:
        payload["weight"] = "feedback"
    return payload


def _coef_row(label: str, corr: stats.Correlation, method: str, groups_word: str = "teams") -> dict:
    coef = corr.coefficient(method)
    return {"label": label, "n": corr.n, "groups": corr.teams, "groups_word": groups_word,
            "effective_n": corr.effective_n, **coef.as_dict(),
            "pearson": corr.pearson.as_dict(), "spearman": corr.spearman.as_dict()}


def metric_verdict(by_metric: list[dict]) -> str:
    """Which customer score tracks engagement best, said only as far as the intervals allow.

    Non-overlapping intervals are a conservative test (they imply a difference; overlap does not
    prove there is none), which suits a sentence that must not claim more than the data support.
    """
    computed = [row for row in by_metric if row["pooled"]["r"] is not None]
    if not computed:
        return "None of the three scores has enough data for a correlation in this range."
    best = max(computed, key=lambda row: row["pooled"]["r"])
    if len(computed) == 1:
        return f"Only {best['label']} has enough data here; the others cannot be compared yet."
    others = [row for row in computed if row is not best]
    if best["pooled"]["ci_low"] > max(row["pooled"]["ci_high"] for row in others):
        return (f"{best['label']} tracks engagement best here: its interval lies above the others'.")
    return (f"{best['label']} has the strongest link in these data, but the intervals overlap, so the data "
            "cannot yet tell the scores apart.")


def _drivers(points: list[Point], method: str, weighted: bool) -> dict:
    """Each driver's link to the customer score (BH-adjusted p) and Shapley shares of R²."""
    rows = []
    for key in DRIVERS:
        with_driver = [p for p in points if key in p.drivers]
        if not with_driver:
            continue
        x = np.array([p.drivers[key] for p in with_driver], float)
        y = np.array([p.customer for p in with_driver], float)
        w = np.array([p.items for p in with_driver], float) if weighted else None
        coef = stats.pooled(x, y, [p.team.id for p in with_driver], w).coefficient(method)
        rows.append({"driver": key, "label": DRIVER_LABELS[key], "n": len(with_driver), **coef.as_dict()})
    for row, adjusted in zip(rows, stats.benjamini_hochberg([row["p"] for row in rows])):
        row["p_adjusted"] = adjusted
    importance = {"r2": None, "n": 0, "reason": None}
    # Complete cases on the drivers most points have, so one rarely asked item does not empty the model.
    common = [row["driver"] for row in rows if row["n"] >= 0.5 * max((r["n"] for r in rows), default=0)]
    complete = [p for p in points if all(k in p.drivers for k in common)]
    if len(common) < 1:
        importance["reason"] = "no driver scores in these team-periods"
    elif len(complete) < len(common) + 3:
        importance["reason"] = (f"needs at least {len(common) + 3} team-periods with all {len(common)} drivers; "
                                f"there are {len(complete)}")
    else:
        X = np.array([[p.drivers[k] for k in common] for p in complete], float)
        y = np.array([p.customer for p in complete], float)
        if np.ptp(y) == 0 or np.any(np.ptp(X, axis=0) == 0):
            importance["reason"] = "a driver or the customer score does not vary, so shares are undefined"
        else:
            r2, shares = stats.shapley_r2(X, y)
            importance.update(r2=r2, n=len(complete))
            for row in rows:
                if row["driver"] in common:
                    share = float(shares[common.index(row["driver"])])
                    row["share"] = share
                    row["share_pct"] = 100 * share / r2 if r2 > 0 else None
    rows.sort(key=lambda r: -(r.get("share") if r.get("share") is not None else -1))
    return {"rows": rows, "importance": importance}


def _heatmap(panel: Panel, rows: list[PanelRow]) -> dict:
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for row in rows:
        for key, value in (row.drivers or {}).items():
            sums[row.team_id][key][0] += value
            sums[row.team_id][key][1] += 1
    team_ids = sorted(sums, key=lambda t: panel.teams[t].name)
    drivers = [k for k in DRIVERS if any(k in sums[t] for t in team_ids)]
    z = [[(sums[t][k][0] / sums[t][k][1]) if sums[t][k][1] else None for k in drivers] for t in team_ids]
    return {"teams": [panel.teams[t].name for t in team_ids], "drivers": [DRIVER_LABELS[k] for k in drivers],
            "z": z}


def _trends(panel: Panel, rows: list[PanelRow], metric: str) -> list[dict]:
    by_team: dict[int, list[PanelRow]] = defaultdict(list)
    for row in rows:
        by_team[row.team_id].append(row)
    trends = []
    for team_id, team_rows in sorted(by_team.items(), key=lambda kv: panel.teams[kv[0]].name):
        team_rows.sort(key=lambda r: r.period_start)
        trends.append({
            "team": panel.teams[team_id].name, "slug": panel.teams[team_id].slug,
            "periods": [r.period_start.isoformat() for r in team_rows],
            "engagement": [r.engagement for r in team_rows],
            "enps": [r.enps for r in team_rows],
            "customer": [r.customer_score(metric, MIN_CUSTOMER_ITEMS) for r in team_rows],
            "proactive": [r.stories_proactive for r in team_rows],
            "recovery": [r.stories_recovery for r in team_rows],
        })
    return trends


def _recognition(trends: list[dict]) -> list[dict]:
    table = []
    for trend in trends:
        proactive, recovery = sum(trend["proactive"]), sum(trend["recovery"])
        scores = [c for c in trend["customer"] if c is not None]
        enps = [v for v in trend["enps"] if v is not None]
        table.append({"team": trend["team"], "proactive": proactive, "recovery": recovery,
                      "engagement_mean": sum(trend["engagement"]) / len(trend["engagement"]),
                      "enps_mean": sum(enps) / len(enps) if enps else None, "periods": len(trend["periods"]),
                      "recovery_share": (100.0 * recovery / (proactive + recovery)) if proactive + recovery else None,
                      "customer_mean": sum(scores) / len(scores) if scores else None,
                      "customer_first": scores[0] if scores else None, "customer_last": scores[-1] if scores else None})
    return table


def report(query: Query) -> dict:
    """Everything the insights page shows, charts and tables alike."""
    panel = Panel(query.grain, query.start, query.end)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    figures = correlate(points, query.weighted)
    method = query.method
    label = METRIC_LABELS[query.metric]
    pooled = figures["pooled"]

    lag_profile = []
    for lag in LAGS:
        lag_points = points if lag == query.lag else panel.points(query.metric, lag, query.start, query.end)
        lag_figures = figures if lag == query.lag else correlate(lag_points, query.weighted)
        lag_profile.append({"lag": lag, "pooled": _coef_row("Across teams", lag_figures["pooled"], method),
                            "within_team": _coef_row("Within teams", lag_figures["within_team"], method)})

    by_metric = []
    for metric in METRICS:
        metric_points = points if metric == query.metric else panel.points(metric, query.lag, query.start, query.end)
        metric_figures = figures if metric == query.metric else correlate(metric_points, query.weighted)
        by_metric.append({"metric": metric, "label": METRIC_LABELS[metric],
                          "pooled": _coef_row("Across teams", metric_figures["pooled"], method),
                          "within_team": _coef_row("Within teams", metric_figures["within_team"], method)})

    rows = panel.engagement_rows(query.start, query.end)
    trends = _trends(panel, rows, query.metric)
    fitted = None
    if pooled.pearson.computed:
        slope, intercept = np.polyfit([p.engagement for p in points], [p.customer for p in points], 1,
                                      w=np.sqrt([p.items for p in points]) if query.weighted else None)
        xs = [min(p.engagement for p in points), max(p.engagement for p in points)]
        fitted = {"x": xs, "y": [float(intercept + slope * v) for v in xs]}

    chosen = pooled.coefficient(method)
    within_chosen = figures["within_team"].coefficient(method)
    return {
        "query": query, "label": label, "unit": METRIC_UNITS[query.metric], "threshold": panel.threshold,
        "points": points,
        "figures": [
            _coef_row("Across teams and periods", pooled, method),
            _coef_row("Within teams", figures["within_team"], method),
            _coef_row("Within departments", figures["within_department"], method, "departments"),
        ],
        "verdict": stats.verdict(chosen, "higher engagement", f"{label}"),
        "within_verdict": stats.verdict(within_chosen, "a rise in a team's engagement", f"{label} in that team"),
        "power_warning": stats.power_warning(pooled.teams) if points else None,
        "teams_needed": stats.teams_needed(),
        "lag_profile": lag_profile,
        "by_metric": by_metric,
        "metric_verdict": metric_verdict(by_metric),
        "drivers": _drivers(points, method, query.weighted),
        "heatmap": _heatmap(panel, rows),
        "trends": trends,
        "recognition": _recognition(trends),
        "fitted": fitted,
        "eligible_team_periods": len(rows),
        "teams_with_engagement": len({r.team_id for r in rows}),
    }


def chart_data(result: dict) -> dict:
    """The JSON the page's charts draw from (no names of people; team-periods over the threshold only)."""
    query = result["query"]
    return {
        "metric": result["label"], "unit": result["unit"], "method": query.method, "lag": query.lag,
        "grain": query.grain,
        "scatter": [{"team": p.team.name, "period": p.period_start.isoformat(), "engagement": p.engagement,
                     "customer": p.customer} for p in result["points"]],
        "fitted": result["fitted"],
        "trends": result["trends"],
        "lags": [{"lag": row["lag"], "r": row["pooled"]["r"], "low": row["pooled"]["ci_low"],
                  "high": row["pooled"]["ci_high"], "within_r": row["within_team"]["r"],
                  "within_low": row["within_team"]["ci_low"], "within_high": row["within_team"]["ci_high"]}
                 for row in result["lag_profile"]],
        "drivers": [{"label": row["label"], "share_pct": row.get("share_pct"), "r": row["r"],
                     "low": row["ci_low"], "high": row["ci_high"]} for row in result["drivers"]["rows"]],
        "heatmap": result["heatmap"],
    }
