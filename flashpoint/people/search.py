"""Finding people by what one types: the search behind every people picker (heroes, implementers,
team managers), for the JSON endpoint `/people/search` and for the pickers' no-script fallback.

One statement per search, whatever the size of the organisation, and never more than `limit`
people: a picker never loads everyone. Only active people are found. What a match shows is the
name and the team, never the e-mail address (staff may search everyone, and e-mail addresses are
for those who manage the person), though an address's beginning finds its owner.

A query is split into words; each word must begin a word of the name, a nickname or the e-mail
address ("mar gar" finds "Mara Garcia"; case does not matter, accents do). An empty query suggests
the searcher's own people: their team and the teams they manage.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from flashpoint.extensions import db
from flashpoint.people.models import ROLE_VALUES, Team, User, team_managers

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
QUERY_MAX = 100
MAX_WORDS = 5
MAX_EXCLUDED = 100


class SearchRefused(ValueError):
    """A search asked for something it cannot have (a bad limit, an unknown role, ...)."""


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    team: str | None

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "team": self.team}


@dataclass(frozen=True)
class Found:
    people: list[Match]
    more: bool  # more people match than were returned


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_matches(word: str):
    """`word` begins a word of the name (after a space or hyphen), a nickname, or the e-mail."""
    w = _escape(word)
    name, nicknames, email = sa.func.lower(User.name), sa.func.lower(User.nicknames), sa.func.lower(User.email)
    patterns = [(name, f"{w}%"), (name, f"% {w}%"), (name, f"%-{w}%"),
                (nicknames, f"{w}%"), (nicknames, f"%,{w}%"), (nicknames, f"% {w}%"), (email, f"{w}%")]
    return sa.or_(*(column.like(pattern, escape="\\") for column, pattern in patterns))


def check_limit(limit) -> int:
    """The limit asked for, as a number of people (at most MAX_LIMIT)."""
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise SearchRefused("limit must be a whole number of people.") from None
    if limit < 1:
        raise SearchRefused("limit must be at least 1.")
    return min(limit, MAX_LIMIT)


def check_roles(roles) -> tuple[str, ...]:
    roles = tuple(r.strip().lower() for r in roles or () if r.strip())
    unknown = [r for r in roles if r not in ROLE_VALUES]
    if unknown:
        raise SearchRefused(f"Unknown role {unknown[0]!r}: choose among {', '.join(ROLE_VALUES)}.")
    return roles


def check_ids(values) -> list[int]:
    ids = []
    for value in values or ():
        if not str(value).strip().isdigit():
            raise SearchRefused(f"exclude takes people's ids (numbers), not {str(value)[:20]!r}.")
        ids.append(int(value))
    if len(ids) > MAX_EXCLUDED:
        raise SearchRefused(f"exclude takes at most {MAX_EXCLUDED} ids.")
    return ids


def search_people(viewer: User, query: str, *, limit: int = DEFAULT_LIMIT, roles=(),
                  exclude=()) -> Found:
    """Active people matching `query` (see the module's note), best first: those whose name begins
    with the query, then by name. `roles` keeps only people of those roles; `exclude` leaves some
    out (the people already chosen, the nominator). One statement."""
    limit = check_limit(limit)
    roles = check_roles(roles)
    exclude = check_ids(exclude)
    query = " ".join((query or "").split())[:QUERY_MAX].lower()
    stmt = (sa.select(User.id, User.name, Team.name).outerjoin(Team, Team.id == User.team_id)
            .where(User.active.is_(True)))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    if exclude:
        stmt = stmt.where(User.id.not_in(exclude))
    if query:
        for word in query.split()[:MAX_WORDS]:
            stmt = stmt.where(_word_matches(word))
        starts = sa.case((sa.func.lower(User.name).like(f"{_escape(query)}%", escape="\\"), 0), else_=1)
        stmt = stmt.order_by(starts, User.name, User.id)
    else:
        # Nothing typed yet: the searcher's own people (their team, the teams they manage).
        managed = sa.select(team_managers.c.team_id).where(team_managers.c.user_id == viewer.id)
        own = User.team_id.in_(managed)
        if viewer.team_id is not None:  # (== None would find everyone without a team)
            own = sa.or_(User.team_id == viewer.team_id, own)
        stmt = stmt.where(own)
        stmt = stmt.order_by(User.name, User.id)
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    return Found(people=[Match(id=r[0], name=r[1], team=r[2]) for r in rows[:limit]], more=len(rows) > limit)
