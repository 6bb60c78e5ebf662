"""The insights page for HR, its CSV exports, and plotly.js served from the installed package."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_file

from engagement.insights import analysis
from engagement.insights.models import DRIVERS
from engagement.insights.periods import label as period_label
from flashpoint.permissions import permission_required

insights = Blueprint("insights", __name__, url_prefix="/insights")


def _query_or_errors():
    try:
        return analysis.parse_query(request.args), {}
    except analysis.QueryError as exc:
        return None, exc.errors


@insights.route("")
@permission_required("view_insights")
def index():
    query, errors = _query_or_errors()
    if errors:
        return render_template("insights/index.html", errors=errors, result=None, args=request.args,
                               metrics=analysis.METRIC_LABELS, lags=analysis.LAGS), 400
    result = analysis.report(query)
    return render_template("insights/index.html", errors={}, result=result, args=query.args(), query=query,
                           chart=analysis.chart_data(result), metrics=analysis.METRIC_LABELS, lags=analysis.LAGS,
                           period_label=period_label)


def _cell(value):
    """Numbers as they are; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv_response(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@insights.route("/export.csv")
@permission_required("view_insights")
def export():
    query, errors = _query_or_errors()
    if errors:
        abort(400, description="; ".join(errors.values()))
    part = request.args.get("part", "points")
    stamp = f"{query.metric}-{query.grain}-lag{query.lag}-{query.start}-{query.end}"
    if part == "points":
        panel = analysis.Panel(query.grain, query.start, query.end)
        points = panel.points(query.metric, query.lag, query.start, query.end)
        rows = [["team", "team_name", "department", "period_start", "engagement", query.metric,
                 "feedback_items", *DRIVERS]]
        for p in points:
            rows.append([p.team.slug, p.team.name, p.team.department, p.period_start.isoformat(), p.engagement,
                         p.customer, p.items, *[p.drivers.get(k) for k in DRIVERS]])
        return _csv_response(rows, f"insights-points-{stamp}.csv")
    if part == "figures":
        result = analysis.report(query)
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
        return _csv_response(rows, f"insights-figures-{stamp}.csv")
    abort(400, description="part is 'points' or 'figures'")


@insights.route("/plotly.min.js")
def plotly_js():
    """plotly.js from the installed `plotly` Python package: no CDN, works on a closed network."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    response = send_file(path, mimetype="text/javascript", max_age=86400)
    return response
