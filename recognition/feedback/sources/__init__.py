"""Customer feedback sources: help desks and review sites pulled on a schedule (`base`, `sync`), and
signed webhooks (`webhooks`), all taken in through the one intake validation."""
from flask import Flask

from recognition.feedback.sources import models  # noqa: F401  (tables known to migrations)


def init_app(app: Flask) -> None:
    """The webhook endpoint, the admin page, the commands, the scheduled sync of every configured
    pulling source."""
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_nav_item
    from flashpoint.scheduler import register_duty
    from recognition.feedback.sources import api, cli, demo, permissions, sync, views

    register_rules(app, permissions.rules)
    app.register_blueprint(api.webhook_bp)
    app.register_blueprint(views.sources_admin)
    add_nav_item(app, NavItem(925, "Feedback sources", "sources_admin.index", "manage_feedback_sources",
                              "sources_admin."))
    cli.init_app(app)
    add_demo_step(app, 15, "sources", demo.load_sources)
    register_duty(app, "feedback_sources", sync.EVERY, sync.run_due)
