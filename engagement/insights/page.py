"""What the insights page shows: the figures by lag, by metric and by driver, the heatmap, trends
and recognition table, the verdicts in words, and the data its charts draw from.

Read-only, like the analysis it is built on.
"""
from __future__ import annotations

import math

import numpy as np

from engagement.insights import cache, stats
from engagement.insights.analysis import (
    LAGS, METRIC_LABELS, METRIC_UNITS, METRICS, Eligible, Panel, Query, correlate,
    panel_range,
)
from engagement.insights.models import DRIVER_LABELS, DRIVERS
from flashpoint import collector
from flashpoint.timeutil import utcnow


_DRIVER_INDEX = {key: k for k, key in enumerate(DRIVERS)}


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


def plain_answer(corr: stats.Correlation, method: str, label: str, periods: int, grain: str) -> dict:
    """The question HR asks, answered first and in words: does engagement go with `label` here?

    `word` is "Yes", "No" or "Not known yet"; `sentence` says it plainly; `settle` (or None) what
    would settle it. "No" needs both an interval spanning zero and enough teams to have seen a
    moderate link (`stats.teams_needed`): short of that, "no clear link" only means not known yet.
    The months are a rough guide: each further period adds about as many independent points as
    the periods so far did on average.
    """
    coef = corr.coefficient(method)
    needed = stats.teams_needed()
    more_teams = max(0, needed - corr.teams)
    settle = None
    if more_teams:
        settle = f"about {more_teams} more team{'s' if more_teams != 1 else ''} taking part in pulses"
        effective = corr.effective_n or corr.n
        if periods and effective:
            more_periods = math.ceil((needed - effective) / (effective / periods)) if effective < needed else 0
            if 0 < more_periods <= 24:
                settle += f", or about {more_periods} more {grain}{'s' if more_periods != 1 else ''} of pulses"
        settle = f"It would take {settle}."
    if not coef.computed or coef.ci_low is None or coef.ci_high is None:
        return {"word": "Not known yet", "settle": settle or "It needs more team-periods with both figures.",
                "sentence": f"There is not enough data yet to say whether engagement goes with {label}."}
    if coef.ci_low > 0:
        return {"word": "Yes", "settle": None,
                "sentence": f"Teams with higher engagement have higher {label} here"
                            + ("." if stats.strength(coef.ci_low) == "negligible"
                               else f", and the link is at least {stats.strength(coef.ci_low)}.")}
    if coef.ci_high < 0:
        return {"word": "No", "settle": None,
                "sentence": f"Here teams with higher engagement have lower {label}: the opposite of what one would expect."}
    if more_teams:
        return {"word": "Not known yet", "settle": settle,
                "sentence": f"No link between engagement and {label} shows so far, but with {corr.teams} "
                            f"team{'s' if corr.teams != 1 else ''} a moderate one could still be hiding."}
    return {"word": "No", "settle": None,
            "sentence": f"Engagement and {label} do not move together here: with {corr.teams} teams, "
                        "a moderate link would have shown."}


def _drivers(panel: Panel, points, method: str, weighted: bool) -> dict:
    """Each driver's link to the customer score (BH-adjusted p) and Shapley shares of R²."""
    # The driver scores as a matrix [point, driver] (NaN where a driver was not asked), read once.
    scores = panel.driver_scores(points.row_index, DRIVERS)
    customer = np.asarray(points.customer, float)
    items = np.asarray(points.items, float)
    teams = points.team_ids
    rows = []
    for k, key in enumerate(DRIVERS):
        has = ~np.isnan(scores[:, k])
        if not has.any():
            continue
        coef = stats.pooled(scores[has, k], customer[has], list(teams[has]), items[has] if weighted else None) \
            .coefficient(method)
        rows.append({"driver": key, "label": DRIVER_LABELS[key], "n": int(has.sum()), **coef.as_dict()})
    for row, adjusted in zip(rows, stats.benjamini_hochberg([row["p"] for row in rows])):
        row["p_adjusted"] = adjusted
    importance = {"r2": None, "n": 0, "reason": None}
    # Complete cases on the drivers most points have, so one rarely asked item does not empty the model.
    common = [row["driver"] for row in rows if row["n"] >= 0.5 * max((r["n"] for r in rows), default=0)]
    columns = [_DRIVER_INDEX[k] for k in common]
    complete = ~np.isnan(scores[:, columns]).any(axis=1) if columns else np.zeros(len(points), bool)
    if len(common) < 1:
        importance["reason"] = "no driver scores in these team-periods"
    elif int(complete.sum()) < len(common) + 3:
        importance["reason"] = (f"needs at least {len(common) + 3} team-periods with all {len(common)} drivers; "
                                f"there are {int(complete.sum())}")
    else:
        X = scores[complete][:, columns]
        y = customer[complete]
        if np.ptp(y) == 0 or np.any(np.ptp(X, axis=0) == 0):
            importance["reason"] = "a driver or the customer score does not vary, so shares are undefined"
        else:
            r2, shares = stats.shapley_r2(X, y)
            importance.update(r2=r2, n=int(complete.sum()))
            for row in rows:
                if row["driver"] in common:
                    share = float(shares[common.index(row["driver"])])
                    row["share"] = share
                    row["share_pct"] = 100 * share / r2 if r2 > 0 else None
    rows.sort(key=lambda r: -(r.get("share") if r.get("share") is not None else -1))
    return {"rows": rows, "importance": importance}


def _heatmap(panel: Panel, eligible: Eligible) -> dict:
    """Each team's mean of each driver over the eligible team-periods, teams by name."""
    if not len(eligible):
        return {"teams": [], "drivers": [], "z": []}
    scores = panel.driver_scores(eligible.rows, DRIVERS)
    row_team_ids = panel.team_ids(eligible.team_at)
    team_ids = sorted(set(row_team_ids), key=lambda t: panel.teams[t].name)
    at = {team_id: i for i, team_id in enumerate(team_ids)}
    team = np.array([at[team_id] for team_id in row_team_ids], dtype=np.int64)
    asked = ~np.isnan(scores)
    # bincount adds each team's values in the rows' order, as a running sum over the rows would.
    sums = np.stack([np.bincount(team, weights=np.where(asked[:, k], scores[:, k], 0.0), minlength=len(team_ids))
                     for k in range(len(DRIVERS))], axis=1)
    counts = np.stack([np.bincount(team, weights=asked[:, k], minlength=len(team_ids)).astype(np.int64)
                       for k in range(len(DRIVERS))], axis=1)
    shown = [k for k in range(len(DRIVERS)) if counts[:, k].any()]
    z = [[float(sums[i, k] / counts[i, k]) if counts[i, k] else None for k in shown] for i in range(len(team_ids))]
    return {"teams": [panel.teams[t].name for t in team_ids], "drivers": [DRIVER_LABELS[DRIVERS[k]] for k in shown],
            "z": z}


def _none_for_nan(values: np.ndarray) -> list:
    return [None if v != v else v for v in values.tolist()]


def _trends(panel: Panel, eligible: Eligible, metric: str) -> list[dict]:
    """Each team's series over the eligible team-periods, teams by name, each team's by period."""
    if not len(eligible):
        return []
    team_at = eligible.team_at
    # The rows are in team-name order: teams in order of first appearance, each team's rows (already
    # by period) gathered behind one another by a stable sort.
    _, first = np.unique(team_at, return_index=True)
    team_order = team_at[np.sort(first)]
    rank = np.zeros(len(panel.team_ids()), dtype=np.int64)
    rank[team_order] = np.arange(len(team_order))
    by = np.argsort(rank[team_at], kind="stable")
    rows = eligible.rows[by]
    sizes = np.bincount(rank[team_at], minlength=len(team_order)).tolist()
    periods = panel.period_starts(eligible.period_at[by])
    engagement = panel.column("engagement")[rows].tolist()
    enps = _none_for_nan(panel.column("enps")[rows])
    customer = _none_for_nan(panel.row_scores(metric, rows))
    proactive = panel.column("stories_proactive")[rows].tolist()
    recovery = panel.column("stories_recovery")[rows].tolist()
    trends, start = [], 0
    for team_id, size in zip(panel.team_ids(team_order), sizes):
        end = start + size
        team = panel.teams[team_id]
        trends.append({
            "team": team.name, "slug": team.slug,
            "periods": periods[start:end],
            "engagement": engagement[start:end],
            "enps": enps[start:end],
            "customer": customer[start:end],
            "proactive": proactive[start:end],
            "recovery": recovery[start:end],
        })
        start = end
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


def headline(query: Query) -> dict:
    """The plain answer alone, for pages that show only that (HR's home): one correlation, not the
    lags, scores and drivers of the whole report; kept per process like the report (`cache`)."""
    first, last = panel_range(query.grain, query.start, query.end)
    return cache.kept(("headline", query.key()), query.grain, first, last, lambda: _headline(query))


def _headline(query: Query) -> dict:
    panel = Panel(query.grain, query.start, query.end, drivers=False, metrics=(query.metric,), trends=False)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    pooled = correlate(points, query.weighted)["pooled"]
    label = METRIC_LABELS[query.metric]
    answer = plain_answer(pooled, query.method, label, points.periods(), query.grain)
    return {**answer, "label": label}


def report(query: Query) -> dict:
    """Everything the insights page shows, charts and tables alike: `compute_report`'s answer, kept
    per process while the panel rows in range and the teams stay as they were (`cache`)."""
    first, last = panel_range(query.grain, query.start, query.end)
    return cache.kept(("report", query.key()), query.grain, first, last, lambda: compute_report(query))


def compute_report(query: Query) -> dict:
    """Everything the insights page shows, computed from the panel."""
    with collector.paused():  # thousands of points, rows and chart values, none of them garbage
        return _compute_report(query)


def _compute_report(query: Query) -> dict:
    panel = Panel(query.grain, query.start, query.end)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    figures = correlate(points, query.weighted)
    method = query.method
    label = METRIC_LABELS[query.metric]
    pooled = figures["pooled"]

    lag_profile = []
    for lag in LAGS:
        lag_points = points if lag == query.lag else panel.points(query.metric, lag, query.start, query.end)
        lag_figures = figures if lag == query.lag else correlate(lag_points, query.weighted, departments=False)
        lag_profile.append({"lag": lag, "pooled": _coef_row("Across teams", lag_figures["pooled"], method),
                            "within_team": _coef_row("Within teams", lag_figures["within_team"], method)})

    by_metric = []
    for metric in METRICS:
        metric_points = points if metric == query.metric else panel.points(metric, query.lag, query.start, query.end)
        metric_figures = figures if metric == query.metric else correlate(metric_points, query.weighted,
                                                                           departments=False)
        by_metric.append({"metric": metric, "label": METRIC_LABELS[metric],
                          "pooled": _coef_row("Across teams", metric_figures["pooled"], method),
                          "within_team": _coef_row("Within teams", metric_figures["within_team"], method)})

    eligible = panel.eligible_in(query.start, query.end)
    trends = _trends(panel, eligible, query.metric)
    fitted = None
    if pooled.pearson.computed:
        slope, intercept = np.polyfit(points.engagement, points.customer, 1,
                                      w=np.sqrt(points.items) if query.weighted else None)
        xs = [float(points.engagement.min()), float(points.engagement.max())]
        fitted = {"x": xs, "y": [float(intercept + slope * v) for v in xs]}

    chosen = pooled.coefficient(method)
    within_chosen = figures["within_team"].coefficient(method)
    return {
        "query": query, "label": label, "unit": METRIC_UNITS[query.metric], "threshold": panel.threshold,
        # Shown with the figures: a kept answer may be a few minutes older than the latest feedback (cache).
        "computed_at": utcnow(),
        # How many points; the chart's scatter as columns (the answer keeps no panel rows).
        "points": len(points), "scatter": _scatter(panel, points),
        "figures": [
            _coef_row("Across teams and periods", pooled, method),
            _coef_row("Within teams", figures["within_team"], method),
            _coef_row("Within departments", figures["within_department"], method, "departments"),
        ],
        "answer": plain_answer(pooled, method, label, points.periods(), query.grain),
        "verdict": stats.verdict(chosen, "higher engagement", f"{label}"),
        "within_verdict": stats.verdict(within_chosen, "a rise in a team's engagement", f"{label} in that team"),
        "power_warning": stats.power_warning(pooled.teams) if points else None,
        "teams_needed": stats.teams_needed(),
        "lag_profile": lag_profile,
        "by_metric": by_metric,
        "metric_verdict": metric_verdict(by_metric),
        "drivers": _drivers(panel, points, method, query.weighted),
        "heatmap": _heatmap(panel, eligible),
        "trends": trends,
        "recognition": _recognition(trends),
        "fitted": fitted,
        "eligible_team_periods": len(eligible),
        "teams_with_engagement": len(np.unique(eligible.team_at)),
    }


def _scatter(panel: Panel, points) -> dict:
    """The scatter's points as columns (team names once, then an index per point): a year of weeks
    is thousands of points."""
    names: dict[str, int] = {}
    team_names = [panel.teams[team_id].name for team_id in panel.team_ids()]
    team = [names.setdefault(team_names[t], len(names)) for t in points.team_at.tolist()]
    return {"teams": list(names), "team": team, "period": panel.period_starts(points.period_at),
            "engagement": points.engagement.tolist(), "customer": points.customer.tolist()}


def chart_data(result: dict) -> dict:
    """The JSON the page's charts draw from (no names of people; team-periods over the threshold only)."""
    query = result["query"]
    return {
        "metric": result["label"], "unit": result["unit"], "method": query.method, "lag": query.lag,
        "grain": query.grain,
        "scatter": result["scatter"],
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
