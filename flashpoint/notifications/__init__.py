"""Reaching everyone: the e-mail transport and channel chooser for the outbox, each person's
notification centre and preferences, and one-time sign-in links (invitations, password resets)."""
from __future__ import annotations

from flask import Flask

from flashpoint.registry import NavItem, add_erasure, add_home_panel, add_must_act, add_nav_item, add_personal_data


def init_app(app: Flask) -> None:
    from flashpoint.notifications import models, permissions  # noqa: F401  (tables and rules)
    from flashpoint.notifications.account_views import account, sign_in_panel
    from flashpoint.notifications.channels import choose
    from flashpoint.notifications.cli import email_test_command
    from flashpoint.notifications.smtp import parse_smtp_url
    from flashpoint.notifications.topics import ACCOUNT_MUST_ACT
    from flashpoint.notifications.transport import EmailTransport
    from flashpoint.notifications.views import home_panel, notifications, unread_badge
    from flashpoint.outbox import delivery
    from flashpoint.permissions import register_rules

    if app.config["SMTP_URL"]:
        parse_smtp_url(app.config["SMTP_URL"])  # a mistyped SMTP_URL stops the app at start, loudly
    register_rules(app, permissions.rules)
    for kind in ACCOUNT_MUST_ACT:
        add_must_act(app, kind)
    app.register_blueprint(notifications)
    app.register_blueprint(account)
    app.cli.add_command(email_test_command)
    if app.config["SMTP_URL"]:
        # Only when configured, so the outbox says honestly that it is a preview otherwise.
        delivery.register_transport(app, EmailTransport(), order=20)
    delivery.set_transport_chooser(app, choose)
    add_nav_item(app, NavItem(50, "Notifications", "notifications.index", "view_notifications",
                              "notifications.", badge=unread_badge))
    add_home_panel(app, 5, home_panel)
    add_home_panel(app, 95, sign_in_panel)
    from flashpoint.notifications.services import forget, personal_data
    add_personal_data(app, "notifications", personal_data)
    add_erasure(app, forget)
