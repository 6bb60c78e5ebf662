"""The shell's own pages: home, health check, error pages (a lost database is a 503), security headers and template helpers."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the home page, the error pages, the headers every response carries and what every
    template can use."""
    from sqlalchemy.exc import OperationalError
    from werkzeug.exceptions import HTTPException

    from flashpoint.core import admin, languages, security, templating
    from flashpoint.core.views import core, handle_database_unavailable, handle_http_error, handle_unexpected_error
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_nav_item

    security.init_app(app)
    app.register_blueprint(core)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    add_nav_item(app, NavItem(0, "Home", "core.home", active_prefix="core.home"))
    register_rules(app, admin.rules)
    app.register_blueprint(admin.overview)
    add_nav_item(app, NavItem(990, "Set-up", "admin_overview.index", "view_setup", "admin_overview."))
    templating.init_app(app)
    languages.init_app(app)
