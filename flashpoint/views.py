"""Wires the shell's blueprints, navigation, template helpers and error handlers into the app."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, request
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from flashpoint.core.views import core, handle_http_error, handle_unexpected_error
from flashpoint.extensions import login_manager
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.views import outbox
from flashpoint.people.views import admin, auth
from flashpoint.permissions import can
from flashpoint.registry import NavItem, add_nav_item, nav_items
from flashpoint.scheduler import prune_claims, register_duty
from flashpoint.timeutil import to_local


def _visible_nav():
    if not current_user.is_authenticated:
        return []
    items = []
    for item in nav_items(current_app):
        if item.endpoint not in current_app.view_functions:
            # A half-wired item must not take every page down with it.
            current_app.logger.warning("nav item %r points at unknown endpoint %s", item.label, item.endpoint)
            continue
        if item.permission is None or can(current_user, item.permission):
            prefix = item.active_prefix or item.endpoint.rsplit(".", 1)[0] + "."
            items.append((item, (request.endpoint or "").startswith(prefix)))
    return items


def _local_time(value, fmt: str = "%d %b %Y, %H:%M") -> str:
    if value is None:
        return ""
    tz = current_user.timezone if current_user.is_authenticated else current_app.config["ORG_TIMEZONE"]
    return to_local(value, tz).strftime(fmt)


def _local_date(value) -> str:
    return _local_time(value, "%d %b %Y")


def _nl2br(text: str | None) -> Markup:
    """Escape user text first, then keep its line breaks."""
    escaped = Markup.escape(text or "")
    return Markup("<br>").join(escaped.split("\n"))


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    app.register_blueprint(core)
    app.register_blueprint(auth)
    app.register_blueprint(admin)
    app.register_blueprint(outbox)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)

    add_nav_item(app, NavItem(0, "Home", "core.home", active_prefix="core.home"))
    add_nav_item(app, NavItem(900, "People", "admin.people", "view_people_directory", "admin.people"))
    add_nav_item(app, NavItem(910, "Teams", "admin.teams", "manage_teams", "admin.team"))
    add_nav_item(app, NavItem(920, "Outbox", "outbox.index", "view_outbox", "outbox."))

    app.jinja_env.filters["local_time"] = _local_time
    app.jinja_env.filters["local_date"] = _local_date
    app.jinja_env.filters["nl2br"] = _nl2br

    @app.context_processor
    def inject_helpers():
        return {"nav": _visible_nav(), "can": lambda action, obj=None: can(current_user, action, obj)}

    register_duty(app, "outbox_delivery", timedelta(minutes=1), deliver_due)
    register_duty(app, "prune_duty_claims", timedelta(days=1), prune_claims)
