"""People and teams: accounts, roles, sign-in and the admin pages that manage them."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register sign-in, the people search, the admin pages for people and teams, their commands, rules, navigation and
    the demo's people."""
    from flashpoint.extensions import login_manager
    from flashpoint.people import cli, demo, models, permissions, sso  # noqa: F401  (models: tables known to migrations)
    from flashpoint.people.views import admin, auth, people
    from flashpoint.permissions import register_rules
    from flashpoint.people.personal_data import profile, provisioning
    from flashpoint.registry import NavItem, add_demo_step, add_nav_item, add_personal_data

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    register_rules(app, permissions.rules)
    sso.init_app(app)
    from flashpoint.extensions import csrf
    from flashpoint.people.scim_views import scim_bp

    csrf.exempt(scim_bp)  # bearer tokens, never cookies
    app.register_blueprint(scim_bp)
    app.register_blueprint(auth)
    app.register_blueprint(admin)
    app.register_blueprint(people)
    cli.init_app(app)
    add_personal_data(app, "profile", profile)
    add_personal_data(app, "provisioning", provisioning)
    add_nav_item(app, NavItem(900, "People", "admin.people", "view_people_directory", "admin.people"))
    add_nav_item(app, NavItem(910, "Teams", "admin.teams", "manage_teams", "admin.team"))
    add_nav_item(app, NavItem(940, "Audit log", "admin.audit", "view_audit_log", "admin.audit"))
    add_demo_step(app, 0, "people", demo.load_people)
