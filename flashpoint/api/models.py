"""ApiToken: a named bearer token with scopes, stored only as a SHA-256 hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow

# Every scope a token may carry, with what it allows (shown on the admin page and in OpenAPI).
SCOPES = {
    "feedback:write": "Send customer feedback items (POST /api/v1/feedback).",
    "insights:read": "Read engagement-versus-customer figures (GET /api/v1/insights/…).",
    "scim": "Provision people and teams from an identity provider (SCIM 2.0 under /scim/v2).",
}


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # SHA-256 of the token: the token has 256 bits of entropy, so a fast hash is enough and a
    # leaked table gives nobody a usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.active and scope in (self.scopes or [])

    def __repr__(self) -> str:
        return f"<ApiToken {self.name} {self.prefix}…>"
