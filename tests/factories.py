"""Small factory functions for test data: each test says what it depends on."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from flashpoint.extensions import db
from flashpoint.people.models import Team, User

PASSWORD = "correct horse battery"
# Hashed once, cheaply: scrypt per test person would make the suite crawl. Passwords set through
# the app (forms, CLI) still use the real, slow hash.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def make_team(slug: str | None = None, name: str | None = None, parent: Team | None = None,
              **fields) -> Team:
    n = next(_seq)
    team = Team(slug=slug or f"team-{n}", name=name or f"Team {n}", parent=parent, **fields)
    db.session.add(team)
    db.session.commit()
    return team


def make_user(role: str = "staff", team: Team | None = None, *, name: str | None = None,
              email: str | None = None, password: str | None = PASSWORD, manages: Team | list | None = None,
              **fields) -> User:
    n = next(_seq)
    user = User(email=email or f"person{n}@example.test", name=name or f"Person {n}", role=role,
                team=team, **fields)
    if password == PASSWORD:
        user.password_hash = PASSWORD_HASH
    elif password:
        user.set_password(password)
    db.session.add(user)
    if manages is not None:
        user.managed_teams.extend(manages if isinstance(manages, list) else [manages])
    db.session.commit()
    return user


def make_manager(team: Team, **fields) -> User:
    """A manager who belongs to and manages `team` (as `create-user --role manager --team`)."""
    return make_user("manager", team, manages=team, **fields)
