"""Versions of what processes keep in memory, moved by database triggers: one read tells whether a
process's copy is still current.

Two rows are read together, in one statement: `people_directory.version` (people and the team tree,
flashpoint/people/directory.py, migration 0950) and `cache_versions` 'intake' (every column of
teams, and API tokens' hash, scopes and revocation; migration 1090), which the intake's caches of
teams (recognition/feedback/validation.py) and tokens (flashpoint/api/services.py) follow. Any
writer moves them (the ORM, a bulk import, plain SQL), and versions never repeat (a PostgreSQL
sequence, SQLite's 64-bit random()), so a change rolled back cannot make a stale copy look current.

Within one request the pair is read once per transaction: the token check, the team's look-up and
praise routing of one feedback item share it. The ORM writing anything (a flush) or the transaction
ending drops it; outside a request (commands, the scheduler) each use reads it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import has_request_context

from flashpoint.extensions import db

cache_versions = sa.Table(
    "cache_versions", db.metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Versions:
    people: int | None  # None: the row is missing, nothing may be kept
    intake: int | None


def _build_read() -> sa.Select:
    from flashpoint.people.directory import people_directory

    return sa.select(
        sa.select(people_directory.c.version).where(people_directory.c.id == 1).scalar_subquery(),
        sa.select(cache_versions.c.version).where(cache_versions.c.name == "intake").scalar_subquery())


@lru_cache(maxsize=1)
def _read() -> sa.Select:
    # Built once: building a statement costs more than running this one.
    return _build_read()


_MEMO = "flashpoint.versions"


def current() -> Versions:
    """The versions as this transaction sees them (one statement, shared within a request's transaction)."""
    session = db.session()
    shared = has_request_context()
    if shared:
        memo = session.info.get(_MEMO)
        transaction = session.get_transaction()
        if memo is not None and transaction is not None and memo[0] is transaction:
            return memo[1]
    row = session.execute(_read()).one()
    versions = Versions(row[0], row[1])
    if shared:
        session.info[_MEMO] = (session.get_transaction(), versions)
    return versions


@lru_cache(maxsize=64)
def database_key(url: sa.URL) -> str:
    """The key of the database in use, for caches kept per database."""
    return url.render_as_string(hide_password=False)


def current_database_key() -> str:
    return database_key(db.session.get_bind().url)


def _forget_read(session, *_args) -> None:
    session.info.pop(_MEMO, None)


# A write by the ORM may change what a version covers (a person or team added in this transaction).
sa.event.listen(sa.orm.Session, "after_flush", _forget_read)
sa.event.listen(sa.orm.Session, "after_commit", _forget_read)
sa.event.listen(sa.orm.Session, "after_rollback", _forget_read)
