"""The people directory: active people's names and the team tree, cached for the whole process.

Praise matching looks at every active person's name for each feedback item. Reading 5,000 names
and indexing them again for every item was most of what taking in one item cost, so they are kept
here, per process, and checked at each use against one row, `people_directory.version`.

Why that is correct across gunicorn workers, hosts and any writer: database triggers (migration
0950_feedback_people_version) give the row a new version whenever a person is added, removed,
renamed, re-nicknamed, moved to another team or (de)activated, and whenever a team is added,
removed or moved under another parent, and whenever a team's managers change (migration 1090),
whoever writes (the ORM, a bulk import, plain SQL). Each use
reads the version (one primary-key read, flashpoint/versions.py) and rebuilds when it differs. Versions never come back: a
PostgreSQL sequence (outside transactions) or SQLite's 64-bit random(), so a change rolled back
cannot make a cache built inside it look current later. The version is read before the people, so
a cache is never older than its version says.

What is built from the directory (matching's name indexes) is memoised on it with `memo()` and
goes with it when the version moves.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, TypeVar

import sqlalchemy as sa

from flashpoint.extensions import db

people_directory = sa.Table(
    "people_directory", db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

T = TypeVar("T")
# Derived structures kept per directory (one per team, one per department, the organisation):
# enough for 400 teams and their departments; past it the memo starts afresh.
MEMO_LIMIT = 2048


@dataclass(frozen=True)
class Person:
    """An active person as name matching sees them."""
    id: int
    name: str
    nicknames: str
    team_id: int | None


@dataclass
class Directory:
    """Active people ordered by (name, id) as the database sorts them, and the team tree."""
    version: int | None
    people: tuple[Person, ...]
    parent_of: dict[int, int | None]
    children_of: dict[int, list[int]] = field(default_factory=dict)
    _positions: dict[int | None, list[int]] = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for team_id, parent_id in self.parent_of.items():
            if parent_id is not None:
                self.children_of.setdefault(parent_id, []).append(team_id)
        for position, person in enumerate(self.people):
            self._positions.setdefault(person.team_id, []).append(position)

    def people_of(self, team_ids) -> list[Person]:
        """The active people of these teams, in the directory's order."""
        positions = sorted(p for team_id in team_ids for p in self._positions.get(team_id, ()))
        return [self.people[p] for p in positions]

    def people_by_id(self, user_ids) -> list[Person]:
        """These active people (ids of people not in the directory are left out)."""
        by_id = self.memo("people.by_id", lambda: {person.id: person for person in self.people})
        return [by_id[user_id] for user_id in dict.fromkeys(user_ids) if user_id in by_id]

    def parent(self, team_id: int) -> int | None:
        return self.parent_of.get(team_id)

    def subtree(self, team_id: int) -> set[int]:
        """This team and every team below it (a department and its teams)."""
        found, stack = set(), [team_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(self.children_of.get(current, ()))
        return found

    def memo(self, key, build: Callable[[], T]) -> T:
        """`build()` once per key for this version of the directory."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = build()
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value
        return value


_current: dict[str, Directory] = {}  # database URL → the directory last read from it
_lock = threading.Lock()


def current() -> Directory:
    """The directory as the current transaction sees it: one cheap read when nothing changed (the
    version is read with the intake's, flashpoint/versions.py)."""
    from flashpoint import versions

    key = versions.current_database_key()
    version = versions.current().people
    cached = _current.get(key)
    if cached is not None and version is not None and cached.version == version:
        return cached
    directory = _load(version)
    if version is not None:
        with _lock:
            _current[key] = directory
    return directory


def _load(version: int | None) -> Directory:
    from flashpoint.people.models import Team, User

    people = tuple(Person(*row) for row in db.session.execute(
        sa.select(User.id, User.name, User.nicknames, User.team_id).where(User.active.is_(True))
        .order_by(User.name, User.id)))
    parents = {team_id: parent_id for team_id, parent_id in db.session.execute(sa.select(Team.id, Team.parent_id))}
    return Directory(version, people, parents)


def forget() -> None:
    """Drop every cached directory (tests that rewrite a database behind the triggers' back)."""
    with _lock:
        _current.clear()
