"""The notification outbox: what should be said to whom, recorded in the caller's transaction
and delivered later, exactly once, by the delivery duty."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin's outbox page, its rule and navigation, and the delivery duty."""
    from flashpoint.outbox import models, permissions  # noqa: F401  (models: tables known to migrations)
    from flashpoint.outbox.delivery import delivery_duty
    from flashpoint.outbox.views import outbox
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_nav_item
    from flashpoint.scheduler import register_duty

    register_rules(app, permissions.rules)
    app.register_blueprint(outbox)
    add_nav_item(app, NavItem(920, "Outbox", "outbox.index", "view_outbox", "outbox."))
    register_duty(app, "outbox_delivery", timedelta(minutes=1), delivery_duty)
