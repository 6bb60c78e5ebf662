"""The insights page for HR, its CSV exports, and plotly.js served from the installed package."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for

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
def plotly_js_unversioned():
    """The name pages used before the fingerprint: still answers, pointing at the current file."""
    return redirect(plotly_url())


@insights.route("/plotly-<fingerprint>.min.js")
def plotly_js(fingerprint: str):
    """plotly.js from the installed `plotly` Python package: no CDN, works on a closed network.
    Its name carries a fingerprint of its content, so browsers keep it a year and an upgrade of
    the package is a new name; an old name redirects to the current one."""
    path, current = plotly_file()
    if fingerprint != current:
        return redirect(url_for("insights.plotly_js", fingerprint=current))
    response = send_file(path, mimetype="text/javascript", max_age=PLOTLY_MAX_AGE)
    response.cache_control.immutable = True
    return response


PLOTLY_MAX_AGE = 365 * 24 * 3600


@insights.app_template_global()
def plotly_url() -> str:
    """Where pages with charts load plotly.js from (only those pages: it is 4 MB)."""
    return url_for("insights.plotly_js", fingerprint=plotly_file()[1])


@cache
def plotly_file() -> tuple[Path, str]:
    """The file and the first 12 hex digits of its SHA-256, read once per process."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path, hashlib.sha256(path.read_bytes()).hexdigest()[:12]
