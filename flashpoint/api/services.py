"""Creating, checking and revoking API tokens. The only code that writes them."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

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


def find_token(token: str | None) -> ApiToken | None:
    """The active token matching this bearer value, or None (unknown, empty or revoked)."""
    if not token:
        return None
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    return row if row is not None and row.active else None


def note_use(row: ApiToken) -> bool:
    """Record that the token was used; True when the row changed (the caller commits)."""
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        row.last_used_at = now
        return True
    return False


def revoke_token(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(
        db.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ))
