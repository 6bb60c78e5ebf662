"""Praise tables: who a piece of positive feedback names (`praise_matches`), and what a manager set aside
(`praise_dismissals`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback


class PraiseMatch(db.Model):
    """A person named in a piece of feedback: confirmed, or one of several candidates to confirm."""

    __tablename__ = "praise_matches"
    __table_args__ = (UniqueConstraint("feedback_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # confirmed: the feedback is about this person; candidate: an ambiguous name, a manager confirms.
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    # What in the words matched ("sofia", "sofia garcia"), shown beside candidates.
    matched_on: Mapped[str] = mapped_column(String(200), default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    feedback: Mapped[Feedback] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PraiseDismissal(db.Model):
    """A manager set a piece of praise aside in their inbox (undone by deleting the row)."""

    __tablename__ = "praise_dismissals"
    __table_args__ = (UniqueConstraint("feedback_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
