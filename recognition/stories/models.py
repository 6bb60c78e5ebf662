"""Hero stories, their heroes, values and claps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String,
                        Table, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback

KINDS = ("proactive", "recovery")
KIND_LABELS = {"proactive": "Proactive delight", "recovery": "Recovery"}
STATES = ("pending", "approved", "declined")
STORY_MAX = 3000
REASON_MAX = 1000
CLAP_SOURCES = ("web", "slack")

story_heroes = Table(
    "story_heroes",
    db.metadata,
    Column("story_id", Integer, ForeignKey("hero_stories.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_story_heroes_user", "user_id"),
)

story_values = Table(
    "story_values",
    db.metadata,
    Column("story_id", Integer, ForeignKey("hero_stories.id", ondelete="CASCADE"), primary_key=True),
    Column("value_id", Integer, ForeignKey("company_values.id", ondelete="CASCADE"), primary_key=True),
)


class CompanyValue(db.Model):
    """One of the company's values a story can show (HR edits the list)."""

    __tablename__ = "company_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    # Retired values stay on old stories but are no longer offered.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CompanyValue {self.name}>"


class HeroStory(db.Model):
    """A nomination of one or more heroes, pending until its approver decides."""

    __tablename__ = "hero_stories"
    __table_args__ = (
        CheckConstraint("kind IN ('proactive', 'recovery')", name="kind_known"),
        CheckConstraint("state IN ('pending', 'approved', 'declined')", name="state_known"),
        Index("ix_hero_stories_state_approved", "state", "approved_at"),
        Index("ix_hero_stories_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nominator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    # The customer feedback this story came from (evidence), if any.
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"), index=True)
    # Who was asked to decide (docs/interface.md, "Approvers"), and who did.
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    nominator: Mapped[User | None] = relationship(foreign_keys=[nominator_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    feedback: Mapped[Feedback | None] = relationship()
    heroes: Mapped[list[User]] = relationship(secondary=story_heroes, order_by="User.name")
    values: Mapped[list[CompanyValue]] = relationship(secondary=story_values,
                                                      order_by="CompanyValue.position")
    claps: Mapped[list[Clap]] = relationship(back_populates="story", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_pending(self) -> bool:
        return self.state == "pending"

    @property
    def is_private(self) -> bool:
        """Any hero who chose private recognition keeps the whole story off the wall and channel."""
        return any(hero.private_recognition for hero in self.heroes)

    @property
    def hero_names(self) -> str:
        names = [hero.name for hero in self.heroes]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    def __repr__(self) -> str:
        return f"<HeroStory {self.id} {self.state}>"


class Clap(db.Model):
    """One person's applause for a story, from the web or a Slack reaction: once per person."""

    __tablename__ = "story_claps"
    __table_args__ = (
        UniqueConstraint("story_id", "user_id"),
        CheckConstraint("source IN ('web', 'slack')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("hero_stories.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8), default="web")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    story: Mapped[HeroStory] = relationship(back_populates="claps")
    user: Mapped[User] = relationship()
