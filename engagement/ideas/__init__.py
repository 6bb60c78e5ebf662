"""Engagement: ideas and obstacles to customer delight, proposed by anyone, owned by a manager."""
from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this area's blueprints, commands, duties, navigation and demo data."""
    from engagement.ideas import demo, home, models, owners, permissions, personal  # noqa: F401 (models for Alembic)
    from engagement.ideas.views import ideas
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_home_panel, add_must_act, add_nav_item, add_personal_data
    from flashpoint.scheduler import register_duty

    register_rules(app, permissions.rules)
    app.register_blueprint(ideas)
    add_nav_item(app, NavItem(200, "Ideas", "ideas.board", "view_ideas", "ideas."))
    add_home_panel(app, 200, home.render_panel)
    add_home_panel(app, 210, home.ideas_by_status_panel)
    add_personal_data(app, "ideas", personal.personal_data_ideas)
    add_personal_data(app, "idea_votes", personal.personal_data_votes)
    add_personal_data(app, "idea_comments", personal.personal_data_comments)
    add_demo_step(app, 30, "ideas", demo.load_ideas)
    register_duty(app, "idea_owner_reminders", timedelta(hours=1), owners.remind_owners)
    # An owner reminded about a waiting idea is asked to act.
    add_must_act(app, "idea.owner_reminder")
