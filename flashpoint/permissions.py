"""Who may do what: the one place that decides, asked by name from views, APIs, Slack and CLI.

Each area gathers its rules in a `Rules` collection in its `permissions.py`
(`@rules.rule("approve_story")`), and its `init_app` registers them on the app with
`register_rules(app, rules)`. `can(user, "approve_story", story)` asks the current app's rules.
An action nobody registered is refused, so a typo fails closed.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Flask, abort, current_app
from flask_login import current_user

RuleFn = Callable[[Any, Any], bool]
_EXTENSION_KEY = "flashpoint.rules"


class Rules:
    """Permission rules by action name, collected by decorator like a Blueprint's routes."""

    def __init__(self) -> None:
        self.by_action: dict[str, RuleFn] = {}

    def rule(self, action: str) -> Callable[[RuleFn], RuleFn]:
        def collect(fn: RuleFn) -> RuleFn:
            if action in self.by_action:
                raise ValueError(f"permission rule {action!r} is declared twice")
            self.by_action[action] = fn
            return fn

        return collect


def register_rules(app: Flask, rules: Rules) -> None:
    """Make a collection's rules answer `can()` in this app; an action has one rule only."""
    registered = app.extensions.setdefault(_EXTENSION_KEY, {})
    for action, fn in rules.by_action.items():
        if registered.get(action, fn) is not fn:
            raise ValueError(f"permission rule {action!r} is registered by two areas")
        registered[action] = fn


def can(user, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = current_app.extensions.get(_EXTENSION_KEY, {}).get(action)
    if check is None:
        return False
    return bool(check(user, obj))


def require(action: str, obj: Any = None) -> None:
    """Abort with 403 unless the signed-in person may do `action` (on `obj`)."""
    if not can(current_user, action, obj):
        abort(403)


def permission_required(action: str):
    """View decorator for permissions that do not depend on a particular object."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from flashpoint.extensions import login_manager

                return login_manager.unauthorized()
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- Role predicates: the vocabulary the rules are written in -------------------------------

def is_admin(user) -> bool:
    return user.role == "admin"


def is_hr(user) -> bool:
    """HR sees organisation-wide figures; admins carry HR's rights too."""
    return user.role in ("hr", "admin")


def is_manager(user) -> bool:
    return user.role == "manager" or bool(user.managed_teams)


def manages_team(user, team_id: int | None) -> bool:
    return team_id is not None and team_id in user.managed_team_ids()


def manages_person(user, person) -> bool:
    return person is not None and person.id != user.id and manages_team(user, person.team_id)
