"""Customer feedback intake: the public form, CSV import, the JSON API and HR's feedback view."""
from datetime import timedelta

from flask import Flask

from recognition.feedback import models  # noqa: F401  (tables known to migrations)
from recognition.feedback import sources


def init_app(app: Flask) -> None:
    """Register the intake's blueprints, API routes, commands, navigation and demo data."""
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_erasure, add_home_panel, add_nav_item, add_personal_data
    from flashpoint.scheduler import register_duty
    from recognition.feedback import api, cli, demo, home, permissions, retention, views  # noqa: F401  (API routes)

    register_rules(app, permissions.rules)
    app.register_blueprint(views.public)
    app.register_blueprint(views.feedback)
    app.register_blueprint(views.team_pages)
    cli.init_app(app)
    sources.init_app(app)
    add_nav_item(app, NavItem(150, "Feedback", "feedback.index", "view_feedback", "feedback."))
    add_home_panel(app, 150, home.render_panel)
    add_demo_step(app, 10, "feedback", demo.load_feedback)
    register_duty(app, "feedback_text_retention", timedelta(days=1), retention.clear_old_text)
    from recognition.personal_data import feedback_crediting_me, forget_credits, forget_set_aside, set_aside_crediting_me

    add_personal_data(app, "feedback_crediting_me", feedback_crediting_me)
    add_personal_data(app, "set_aside_crediting_me", set_aside_crediting_me)
    add_erasure(app, forget_credits)
    add_erasure(app, forget_set_aside)
