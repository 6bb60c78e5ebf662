"""Who may do what: the one place that decides, asked by name from views, APIs, Slack and CLI.

Rules are registered by name (`@rule("approve_story")`) in each domain's `permissions.py`,
and asked with `can(user, "approve_story", story)`. An action nobody registered is refused,
so a typo fails closed.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user

RuleFn = Callable[[Any, Any], bool]
_RULES: dict[str, RuleFn] = {}


def rule(action: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        _RULES[action] = fn
        return fn

    return register


def can(user, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = _RULES.get(action)
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


# --- Core rules -------------------------------------------------------------------------

@rule("sign_in")
def _sign_in(user, _obj) -> bool:
    return True


@rule("manage_people")
def _manage_people(user, _obj) -> bool:
    return is_admin(user)


@rule("view_outbox")
def _view_outbox(user, _obj) -> bool:
    return is_admin(user)


@rule("view_people_directory")
def _view_people_directory(user, _obj) -> bool:
    """Managers and HR see who has signed in; admins manage."""
    return is_admin(user) or is_hr(user) or is_manager(user)


@rule("view_whole_directory")
def _view_whole_directory(user, _obj) -> bool:
    """Admins and HR see everyone; a manager sees the people of the teams they manage."""
    return is_admin(user) or is_hr(user)


@rule("manage_teams")
def _manage_teams(user, _obj) -> bool:
    """Add teams and change their structure, managers and metrics: admins and HR (the people team)."""
    return is_admin(user) or is_hr(user)


@rule("manage_team")
def _manage_team(user, team) -> bool:
    """Edit a team's settings or print its poster: admins, HR, and the team's managers."""
    if is_admin(user) or is_hr(user):
        return True
    return team is not None and manages_team(user, team.id)
