"""The Notification row: one message to one person (or one channel) and its delivery state."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.sealing import PREFIX, Unsealable, seal_text, unseal_text
from flashpoint.timeutil import utcnow

# A one-time link (a pulse link, a password reset, a welcome) is stored sealed: with it anyone could
# answer a pulse or set a password in its recipient's name, and a database reader must not be able
# to. It is opened when the message is built (Slack, e-mail) and on the recipient's own
# notifications page, nowhere else.
SECRET_URL_PURPOSE = "notification-secret-url"


def seal_secret_url(url: str) -> str:
    return seal_text(SECRET_URL_PURPOSE, url)


class State(str, enum.Enum):
    PENDING = "pending"      # waiting for the delivery duty
    SENDING = "sending"      # claimed by a delivery run; the outcome is not known yet
    SENT = "sent"            # delivered through an external transport (Slack, e-mail)
    IN_APP = "in_app"        # no external transport reaches the person: shown in the app only
    MUTED = "muted"          # the person muted this kind: kept in the app, not pushed
    FAILED = "failed"        # gave up (permanent error or too many attempts): admins see it
    UNCLEAR = "unclear"      # sent but the answer never came: an admin decides, never auto-resent


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "state", "next_attempt_at"),
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
        # Counting a person's earlier messages of a kind (the wording rotation) from the index alone.
        Index("ix_notifications_recipient_kind", "recipient_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A channel message (e.g. the heroes channel) has a channel instead of a recipient.
    channel: Mapped[str | None] = mapped_column(String(80))
    # The recipient is an anonymous author: no admin view may show who they are.
    anonymous_recipient: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(String(200))
    # text, link, quote, and optionally secret_url (a one-time link only the recipient may see,
    # sealed: see SECRET_URL_PURPOSE)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # Idempotency: the same key is recorded once (a unique constraint, not a hope).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=State.PENDING.value)
    transport: Mapped[str | None] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where the transport put it (Slack channel and ts, e-mail Message-ID), for later updates.
    external_ref: Mapped[dict | None] = mapped_column(JSON)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recipient: Mapped[User | None] = relationship()

    @property
    def text(self) -> str:
        return (self.payload or {}).get("text", "")

    @property
    def link(self) -> str | None:
        return (self.payload or {}).get("link")

    @property
    def quote(self) -> str | None:
        return (self.payload or {}).get("quote")

    @property
    def has_secret_url(self) -> bool:
        """Whether there is a one-time link, without opening it (the admin's preview asks this)."""
        return bool((self.payload or {}).get("secret_url"))

    @property
    def secret_url(self) -> str | None:
        """The one-time link, opened; None when there is none or the key that sealed it is gone."""
        stored = (self.payload or {}).get("secret_url")
        if not stored:
            return None
        if not stored.startswith(PREFIX):
            return stored  # written before links were sealed (the migration seals those it finds)
        try:
            return unseal_text(SECRET_URL_PURPOSE, stored)
        except Unsealable:
            return None
