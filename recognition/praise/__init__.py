"""Praise routing and the praise inbox: who positive feedback names, and what their managers do with it."""
from flask import Flask

from recognition import signals
from recognition.praise import models, permissions  # noqa: F401  (models: tables known to migrations)


def init_app(app: Flask) -> None:
    """Route new feedback as it arrives; register the inbox, its panel and `route-praise`."""
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_home_panel, add_erasure, add_nav_item, add_personal_data, add_shown_at_home
    from recognition.praise import cli, home, views
    from recognition.praise.routing import CUSTOMER_SAID, MANAGER_ALERT, on_feedback_received

    register_rules(app, permissions.rules)
    app.register_blueprint(views.praise)
    app.cli.add_command(cli.route_praise_command)
    # weak=False: stay connected for the app's lifetime whatever holds a reference.
    signals.feedback_received.connect(on_feedback_received, weak=False)
    add_nav_item(app, NavItem(110, "Praise", "praise.inbox", "view_praise_inbox", "praise.inbox"))
    add_home_panel(app, 8, home.praise_waiting_panel)
    add_home_panel(app, 20, home.praise_for_me_panel)
    from recognition.personal_data import forget_praise, praise_about_me
    add_personal_data(app, "praise_about_me", praise_about_me)
    add_erasure(app, forget_praise)
    # Both are on the home page (praise waiting, customers named you): not unread news as well.
    add_shown_at_home(app, MANAGER_ALERT)
    add_shown_at_home(app, CUSTOMER_SAID)
