"""Feedback sources: each pulling source's or webhook's state, and the items set aside from them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow

KINDS = ("pull", "webhook")
NAME_MAX = 40


class FeedbackSource(db.Model):
    """One source's state. Pulling sources get their row at their first sync (their settings live
    in the environment); webhooks get theirs from `create-webhook`, with the sealed secret."""

    __tablename__ = "feedback_sources"
    __table_args__ = (CheckConstraint("kind IN ('pull', 'webhook')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    # The webhook's signing secret, sealed (flashpoint/sealing.py): shown once, never again.
    secret_sealed: Mapped[str | None] = mapped_column(Text)
    # Where the next sync resumes, as the provider gave it after the last committed page.
    cursor: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    items_taken: Mapped[int] = mapped_column(Integer, default=0)
    items_set_aside: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # When the sync running now started (None: none runs): claimed by a conditional UPDATE, so a
    # second sync of this source refuses to start (sync.py, LEASE).
    sync_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FeedbackSetAside(db.Model):
    """An item a source brought that could not be taken (unmapped team, score out of range): kept
    with the reason, for an admin to see on /admin/sources. One row per source item."""

    __tablename__ = "feedback_set_aside"
    __table_args__ = (
        Index("ix_feedback_set_aside_item", "source", "external_id", unique=True),
        Index("ix_feedback_set_aside_at", "source", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(NAME_MAX))
    external_id: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    # The item as the source gave it (JSON), so nothing it sent is lost.
    payload: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

