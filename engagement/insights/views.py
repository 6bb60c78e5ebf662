"""The insights page for HR, its CSV exports, and plotly.js served from the installed package."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file

from engagement.insights import analysis, exports, page
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
    result = page.report(query)
    return render_template("insights/index.html", errors={}, result=result, args=query.args(), query=query,
                           metrics=analysis.METRIC_LABELS, lags=analysis.LAGS, period_label=period_label)


@insights.route("/data.json")
@permission_required("view_insights")
def chart_data():
    """What the page's charts draw, fetched by its script: the page itself carries no points."""
    query, errors = _query_or_errors()
    if errors:
        return jsonify(errors=errors), 400
    return jsonify(page.chart_data(page.report(query)))


@insights.route("/export.csv")
@permission_required("view_insights")
def export():
    query, errors = _query_or_errors()
    if errors:
        abort(400, description="; ".join(errors.values()))
    try:
        filename, text = exports.export(query, request.args.get("part", "points"))
    except exports.UnknownPart as exc:
        abort(400, description=str(exc))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@insights.route("/plotly.min.js")
def plotly_js():
    """plotly.js from the installed `plotly` Python package: no CDN, works on a closed network."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    response = send_file(path, mimetype="text/javascript", max_age=86400)
    return response
