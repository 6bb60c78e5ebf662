"""Praise routing and hero stories: the manager's inbox, nominations, approval and the wall."""
from datetime import timedelta

from flask import Flask

from recognition import signals
from recognition.stories import models, permissions  # noqa: F401  (tables and rules registered)


def init_app(app: Flask) -> None:
    """Register praise routing, the hero wall and nominations."""
    from flashpoint.registry import NavItem, add_demo_step, add_home_panel, add_nav_item
    from flashpoint.scheduler import register_duty
    from recognition.stories import cli, demo, home, services, views
    from recognition.stories.praise import on_feedback_received

    app.register_blueprint(views.stories)
    app.register_blueprint(views.praise)
    app.cli.add_command(cli.route_praise_command)
    # weak=False: stay connected for the app's lifetime whatever holds a reference.
    signals.feedback_received.connect(on_feedback_received, weak=False)
    add_nav_item(app, NavItem(100, "Heroes", "stories.wall", "view_heroes", "stories."))
    add_nav_item(app, NavItem(110, "Praise", "praise.inbox", "view_praise_inbox", "praise.inbox"))
    add_home_panel(app, 10, home.pending_approvals_panel)
    add_home_panel(app, 20, home.praise_for_me_panel)
    add_demo_step(app, 20, "stories", demo.load_stories)
    register_duty(app, "story_approval_reminders", timedelta(hours=1), services.remind_waiting)
