"""What every page's template can use: the navigation the viewer may see, `can()`, and filters
for local times and line breaks."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user
from markupsafe import Markup

from flashpoint.permissions import can
from flashpoint.registry import nav_items
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
    app.jinja_env.filters["local_time"] = _local_time
    app.jinja_env.filters["local_date"] = _local_date
    app.jinja_env.filters["nl2br"] = _nl2br

    @app.context_processor
    def inject_helpers():
        return {"nav": _visible_nav(), "can": lambda action, obj=None: can(current_user, action, obj)}
