"""Home ("what needs me now"), the health check and the error pages."""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from flashpoint.extensions import db
from flashpoint.registry import home_panels

core = Blueprint("core", __name__)


@core.route("/")
@login_required
def home():
    panels = []
    for panel in home_panels(current_app):
        rendered = panel.render(current_user)
        if rendered:
            panels.append(rendered)
    return render_template("core/home.html", panels=panels)


@core.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="unavailable", detail="the database does not answer"), 503
    return jsonify(status="ok")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/slack/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _error_headers(error: HTTPException) -> dict[str, str]:
    """Headers an error answer owes its client, whichever form (JSON or page) it takes."""
    headers = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        # RFC 9110: a 405 names the methods the resource does support.
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if error.code == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    return headers


def handle_http_error(error: HTTPException):
    if isinstance(error, CSRFError):
        # Flask-WTF's own words ("The CSRF token is missing.") mean nothing to the person reading.
        error.description = gettext("The form expired; please try again.")
    if _wants_json():
        body = {"error": error.name, "message": error.description}
        response = jsonify(body)
        response.status_code = error.code or 500
        response.headers.update(_error_headers(error))
        return response
    template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 429) else "errors/generic.html"
    try:
        response = current_app.make_response((render_template(template, error=error), error.code))
    except Exception:  # e.g. the database is down and the layout cannot ask who is signed in
        current_app.logger.exception("the %s page itself failed", error.code)
        db.session.rollback()
        return error
    if error.code == 405:
        response.headers.update(_error_headers(error))
    return response


# Served when even the friendly 500 page cannot be drawn (e.g. the database is down).
PLAIN_500 = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>Something went wrong on our side</h1>
<p>Nothing you did caused this. It has been logged; please try again in a moment.</p>
<p><a href="/">Back to the start</a></p></body></html>"""


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    try:
        db.session.rollback()
    except Exception:  # the database itself may be what failed
        pass
    if _wants_json():
        return jsonify(error="Internal Server Error",
                       message="Something went wrong on our side; it has been logged."), 500
    try:
        return render_template("errors/500.html"), 500
    except Exception:
        current_app.logger.exception("the 500 page itself failed")
        return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}


# How long a client should wait before trying again after the database was lost (seconds).
RETRY_AFTER_SECONDS = 30

PLAIN_503 = PLAIN_500.replace("Something went wrong on our side", "Flashpoint is briefly unavailable").replace(
    "Nothing you did caused this. It has been logged; please try again in a moment.",
    "The database did not answer. Nothing you did caused this; please try again in a moment.")


def handle_database_unavailable(error: Exception):
    """A lost database connection (OperationalError): 503 and Retry-After, not a 500. The session
    is thrown away so the next request starts on a fresh connection (checked by pool_pre_ping)."""
    current_app.logger.warning("database unavailable on %s: %s", request.path, error)
    try:
        db.session.rollback()
        db.session.remove()
    except Exception:  # the connection is already gone: nothing left to roll back
        pass
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _wants_json():
        return jsonify(error="Service Unavailable",
                       message="The database did not answer; try again shortly."), 503, headers
    try:
        return render_template("errors/503.html"), 503, headers
    except Exception:  # drawing the layout needs the database too (who is signed in)
        db.session.rollback()
        return PLAIN_503, 503, {**headers, "Content-Type": "text/html; charset=utf-8"}
