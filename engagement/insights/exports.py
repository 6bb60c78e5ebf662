"""The insights CSV exports: the points behind a figure, or every figure of the page, as CSV text."""
from __future__ import annotations

import csv
import io

from engagement.insights import analysis, page
from engagement.insights.models import DRIVERS
from flashpoint.csvfiles import safe_cell

PARTS = ("points", "figures")


class UnknownPart(ValueError):
    """An export part other than "points" or "figures"."""


def _csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def export(query: analysis.Query, part: str) -> tuple[str, str]:
    """(file name, CSV text) of one part of the page for this query."""
    stamp = f"{query.metric}-{query.grain}-lag{query.lag}-{query.start}-{query.end}"
    if part == "points":
        return f"insights-points-{stamp}.csv", _csv_text(_point_rows(query))
    if part == "figures":
        return f"insights-figures-{stamp}.csv", _csv_text(_figure_rows(query))
    raise UnknownPart("part is 'points' or 'figures'")


def _point_rows(query: analysis.Query) -> list[list]:
    panel = analysis.Panel(query.grain, query.start, query.end)
    points = panel.points(query.metric, query.lag, query.start, query.end)
    rows = [["team", "team_name", "department", "period_start", "engagement", query.metric,
             "feedback_items", *DRIVERS]]
    for p in points:
        rows.append([p.team.slug, p.team.name, p.team.department, p.period_start.isoformat(), p.engagement,
                     p.customer, p.items, *[p.drivers.get(k) for k in DRIVERS]])
    return rows


def _figure_rows(query: analysis.Query) -> list[list]:
    result = page.report(query)
    rows = [["section", "label", "metric", "lag", "method", "n", "groups", "r", "ci_low", "ci_high", "p",
             "p_adjusted", "share_of_r2", "reason"]]

    def add(section, label, metric, lag, corr_row, method):
        coef = corr_row[method]
        rows.append([section, label, metric, lag, method, corr_row["n"], corr_row["groups"], coef["r"],
                     coef["ci_low"], coef["ci_high"], coef["p"], None, None, coef.get("reason")])

    for fig in result["figures"]:
        for method in analysis.METHODS:
            add("figures", fig["label"], query.metric, query.lag, fig, method)
    for row in result["by_metric"]:
        for method in analysis.METHODS:
            add("by_metric", "Across teams", row["metric"], query.lag, row["pooled"], method)
            add("by_metric", "Within teams", row["metric"], query.lag, row["within_team"], method)
    for row in result["lag_profile"]:
        for method in analysis.METHODS:
            add("lags", "Across teams", query.metric, row["lag"], row["pooled"], method)
            add("lags", "Within teams", query.metric, row["lag"], row["within_team"], method)
    for row in result["drivers"]["rows"]:
        rows.append(["drivers", row["driver"], query.metric, query.lag, query.method, row["n"], None, row["r"],
                     row["ci_low"], row["ci_high"], row["p"], row["p_adjusted"], row.get("share"),
                     row.get("reason")])
    return rows
