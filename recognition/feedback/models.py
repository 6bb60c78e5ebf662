"""Feedback: one customer's rating (CSAT, NPS or CES) and words about a team, stored once; and the
person a source credits for it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow

CHANNELS = ("form", "csv", "api")
COMMENT_MAX = 5000


class Feedback(db.Model):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("metric IN ('csat', 'nps', 'ces')", name="metric_known"),
        CheckConstraint("channel IN ('form', 'csv', 'api')", name="channel_known"),
        Index("ix_feedback_team_received", "team_id", "received_at"),
        Index("ix_feedback_positive_received", "positive", "received_at"),
        # HR's list, newest first, read page by page along this index (flashpoint/pagination.py).
        Index("ix_feedback_received", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One row per external id: re-sending or re-importing an item adds nothing.
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    # "Who helped you today?" from the public form (free text, matched to people by praise routing).
    helper_name: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(8))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Positive by score or by words (recognition.sentiment), decided once at intake.
    positive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()


class FeedbackCredit(db.Model):
    """The person a source credits for a feedback item (a help desk's agent, given by e-mail):
    routed as confirmed praise ahead of the names found in the words.

    Its own table rather than a column on `feedback`: on SQLite a foreign key can only be added to
    an existing table by rebuilding it, and dropping `feedback` during a rebuild would cascade to
    every praise match hung on it.
    """

    __tablename__ = "feedback_credits"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Who gave the credit: a source's name ("zendesk", a webhook's); None for an API client or a CSV file.
    source: Mapped[str | None] = mapped_column(String(40))
