"""Home ("what needs me now"), the health check and the error pages."""
from __future__ import annotations

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


def handle_http_error(error: HTTPException):
    if _wants_json():
        body = {"error": error.name, "message": error.description}
        response = jsonify(body)
        response.status_code = error.code or 500
        if error.code == 429 and getattr(error, "retry_after", None):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 429) else "errors/generic.html"
    return render_template(template, error=error), error.code


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    db.session.rollback()
    if _wants_json():
        return jsonify(error="Internal Server Error",
                       message="Something went wrong on our side; it has been logged."), 500
    return render_template("errors/500.html"), 500
