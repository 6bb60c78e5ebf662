"""Insights: engagement against customer satisfaction, per team and period, honestly measured."""
from flask import Flask

from engagement.insights import models  # noqa: F401  (tables known to migrations)
from engagement.insights import panel, permissions
from engagement.pulses.signals import cycle_closed
from recognition.signals import feedback_received, story_approved


def init_app(app: Flask) -> None:
    """Register this area's blueprints, commands, duties, navigation and demo data."""
    from engagement.insights import api  # noqa: F401  (declares its route on api_bp)
    from engagement.insights import cli, demo, home
    from engagement.insights.views import insights
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_home_panel, add_nav_item

    register_rules(app, permissions.rules)
    # The panel follows the intake, story approvals and closed cycles (receivers run inside the
    # sender's transaction). Connecting the same receiver again, for a second app, changes nothing.
    feedback_received.connect(panel.on_feedback_received, weak=False)
    story_approved.connect(panel.on_story_approved, weak=False)
    cycle_closed.connect(panel.on_cycle_closed, weak=False)
    app.register_blueprint(insights)
    app.cli.add_command(cli.import_pulse_history_command)
    app.cli.add_command(cli.rebuild_insights_command)
    add_nav_item(app, NavItem(400, "Insights", "insights.index", "view_insights", "insights."))
    add_home_panel(app, 45, home.answer_panel)
    add_demo_step(app, 50, "insights", demo.load_demo)
