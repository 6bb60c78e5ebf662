"""How each person wants to be reached, and one-time account links (invitations, resets)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow

CHANNEL_AUTO = "auto"
CHANNELS = (CHANNEL_AUTO, "slack", "email")


class NotificationPreference(db.Model):
    """One row per person who changed anything; no row means the defaults (auto, nothing muted)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # "auto" (Slack when possible, else e-mail), or the person's choice where both are possible.
    channel: Mapped[str] = mapped_column(String(16), default=CHANNEL_AUTO)
    # Topic keys (flashpoint.notifications.topics) the person does not want pushed to them.
    muted: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AccountToken(db.Model):
    """A one-time link to set a password. Only a hash is stored: the database never holds a
    working link, and a token works once, before it expires, unless a newer one replaced it."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))  # "invitation" | "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How the link left: "notification" (Slack or e-mail) or "handed_over" (shown to an admin once).
    route: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
