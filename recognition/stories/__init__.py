"""Hero stories: nominations, approval, the wall with its claps, and the company values."""
from datetime import timedelta

from flask import Flask

from recognition.stories import models, permissions  # noqa: F401  (tables known to migrations)


def init_app(app: Flask) -> None:
    """Register the hero wall, nominations and their reminders."""
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_demo_step, add_home_panel, add_must_act, add_nav_item, add_erasure, add_personal_data, add_shown_at_home
    from flashpoint.scheduler import register_duty
    from recognition.stories import approvals, demo, home, views

    register_rules(app, permissions.rules)
    # An approval request or reminder asks its recipient to decide: never muted.
    add_must_act(app, "story.approval_request")
    add_shown_at_home(app, "story.approval_request")  # the "Hero stories to approve" panel lists it
    add_must_act(app, "story.approval_reminder")
    app.register_blueprint(views.stories)
    add_nav_item(app, NavItem(100, "Heroes", "stories.wall", "view_heroes", "stories."))
    add_home_panel(app, 10, home.pending_approvals_panel)
    add_home_panel(app, 50, home.unsung_heroes_panel)
    from recognition.personal_data import forget_stories, hero_stories
    add_personal_data(app, "hero_stories", hero_stories)
    add_erasure(app, forget_stories)
    add_demo_step(app, 20, "stories", demo.load_stories)
    register_duty(app, "story_approval_reminders", timedelta(hours=1), approvals.remind_waiting)
