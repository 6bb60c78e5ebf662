"""What the Slack bot remembers: events already handled, where its messages landed, DM channels."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from flashpoint.extensions import db
from flashpoint.timeutil import utcnow


class SlackEvent(db.Model):
    """An Events API envelope already handled: Slack resends events it thinks were lost, and
    several workers may receive the copies, so the unique event_id is the only reliable guard."""

    __tablename__ = "slack_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SlackMessageRef(db.Model):
    """A message the bot posted (channel + ts) and what it was about, so it can be updated later
    (an approval request once decided) or recognised (claps on a celebration)."""

    __tablename__ = "slack_message_refs"
    __table_args__ = (
        UniqueConstraint("channel", "ts"),
        Index("ix_slack_message_refs_kind_subject", "kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(64))
    # The domain object the message is about (a story id for story.* kinds); no foreign key so the
    # bot does not depend on any one domain's tables.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    # Set once the message shows its final state (an approval request after the decision).
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SlackDirectChannel(db.Model):
    """The bot's DM channel with a Slack user, as `conversations.open` answered it once.

    The channel of a 1:1 DM never changes, and `conversations.open` is rate limited far below
    `chat.postMessage` (Slack's tier 3, about 50 a minute): kept here, a weekly fan-out to the
    whole organisation opens each DM only the first time, in any process.
    """

    __tablename__ = "slack_direct_channels"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
