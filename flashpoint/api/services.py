"""Creating, checking and revoking API tokens. The only code that writes them."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from flashpoint.api.models import SCOPES, ApiToken
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow

TOKEN_PREFIX = "fp_"
# Writing last_used_at on every call would turn each API read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenError(ValueError):
    """A token request that cannot be carried out, with a message for people."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(name: str, scopes: list[str], created_by=None) -> tuple[ApiToken, str]:
    """A new token; returns the row and the token itself, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise ApiTokenError("A token needs a name saying who or what uses it.")
    if len(name) > 120:
        raise ApiTokenError("A token's name has at most 120 characters.")
    scopes = sorted({s.strip() for s in scopes or [] if s and s.strip()})
    if not scopes:
        raise ApiTokenError(f"A token needs at least one scope: {', '.join(SCOPES)}.")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ApiTokenError(f"Unknown scope {', '.join(unknown)}; known scopes: {', '.join(SCOPES)}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=hash_token(token), prefix=token[:10], scopes=scopes,
                   created_by=created_by)
    db.session.add(row)
    return row, token


@dataclass(frozen=True)
class ActiveToken:
    """An active token as a request needs it: what it may do and when it was last used."""
    id: int
    scopes: tuple[str, ...]
    last_used_at: datetime | None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


_tokens = ApiToken.__table__
# Every API call looks its token up: a Core statement built once costs a tenth of building an ORM
# query and loading an entity each time.
_FIND_ACTIVE = (sa.select(_tokens.c.id, _tokens.c.scopes, _tokens.c.last_used_at)
                .where(_tokens.c.token_hash == sa.bindparam("token_hash"), _tokens.c.revoked_at.is_(None)))
_NOTE_USE = _tokens.update().where(_tokens.c.id == sa.bindparam("token_id")).values(
    last_used_at=sa.bindparam("used_at"))


# Active tokens by hash, per database, for the version of teams and tokens they were read at
# (flashpoint/versions.py): creating, revoking or re-scoping a token moves the version, so every
# process sees it at its next request. Only tokens found are kept (at most _KEPT per process).
_kept: dict[str, tuple[int, dict[str, ActiveToken]]] = {}
_KEPT = 1000


def find_token(token: str | None) -> ActiveToken | None:
    """The active token matching this bearer value, or None (unknown, empty or revoked)."""
    if not token:
        return None
    from flashpoint import versions

    token_hash = hash_token(token)
    version = versions.current().intake
    key = versions.current_database_key()
    kept = _kept.get(key)
    if kept is not None and kept[0] == version:
        found = kept[1].get(token_hash)
        if found is not None:
            return found
    row = db.session.execute(_FIND_ACTIVE, {"token_hash": token_hash}).first()
    if row is None:
        return None
    found = ActiveToken(row.id, tuple(row.scopes or ()), row.last_used_at)
    if version is not None:
        if kept is None or kept[0] != version or len(kept[1]) >= _KEPT:
            kept = _kept[key] = (version, {})
        kept[1][token_hash] = found
    return found


def note_use(token: ActiveToken) -> bool:
    """Record that the token was used; True when the row changed (the caller commits). Each process
    writes at most once a minute per token (its kept copy remembers when it last wrote)."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        db.session.execute(_NOTE_USE, {"token_id": token.id, "used_at": now})
        for _version, tokens in list(_kept.values()):
            for token_hash, kept in list(tokens.items()):
                if kept.id == token.id:
                    tokens[token_hash] = ActiveToken(kept.id, kept.scopes, now)
        return True
    return False


def forget() -> None:
    """Drop every kept token (tests that rewrite a database behind the triggers' back)."""
    _kept.clear()


def revoke_token(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(
        db.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ))
