"""Engagement: pulse surveys — question bank, schedules, cycles, anonymous answers, results."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this area's blueprints, commands, duties, navigation and demo data."""
    from engagement.pulses import duties, models, permissions  # noqa: F401  (tables and rules)
    from engagement.pulses.cli import pulse_now_command
    from engagement.pulses.demo import load_pulses
    from engagement.pulses.home import engagement_panel, render_panel
    from engagement.pulses.views import pulses
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_home_panel, add_must_act, add_nav_item

    register_rules(app, permissions.rules)
    app.register_blueprint(pulses)
    app.cli.add_command(pulse_now_command)
    duties.init_app(app)
    # An open pulse asks its team to answer: the invitation and its reminder are never muted.
    add_must_act(app, "pulse.invitation")
    add_must_act(app, "pulse.reminder")
    add_nav_item(app, NavItem(300, "Pulses", "pulses.index", "view_pulse_results", "pulses."))
    add_home_panel(app, 30, render_panel)
    add_home_panel(app, 40, engagement_panel)
    add_demo_step(app, 40, "pulses", load_pulses)
