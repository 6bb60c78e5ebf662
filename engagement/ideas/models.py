"""Ideas and obstacles, their votes, followers, comments, tags, implementers and status history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String,
                        Table, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.core.languages import N_
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000
MESSAGE_MAX = 2000
TAG_MAX = 40
TAGS_MAX = 8

KINDS = {"idea": N_("Idea"), "obstacle": N_("Obstacle to customer delight")}
STATUSES = ("new", "under review", "planned", "in progress", "implemented", "declined", "duplicate")
# The statuses as people read them, for the catalogue (the stored values stay English keys).
STATUS_WORDS = {"new": N_("new"), "under review": N_("under review"), "planned": N_("planned"),
                "in progress": N_("in progress"), "implemented": N_("implemented"),
                "declined": N_("declined"), "duplicate": N_("duplicate")}
OPEN_STATUSES = ("new", "under review", "planned", "in progress")
CLOSED_STATUSES = ("implemented", "declined", "duplicate")

idea_implementers = Table(
    "idea_implementers",
    db.metadata,
    Column("idea_id", Integer, ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Idea(db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint("kind IN ('idea', 'obstacle')", name="kind_known"),
        CheckConstraint(
            "status IN ('new', 'under review', 'planned', 'in progress', 'implemented', "
            "'declined', 'duplicate')", name="status_known"),
        # A duplicate never points at itself (the service also refuses chains and cycles).
        CheckConstraint("duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_duplicate_of_itself"),
        Index("ix_ideas_status_changed", "status", "status_changed_at"),
        Index("ix_ideas_team_created", "team_id", "created_at"),
        # "You said, we did": implemented ideas, latest first, read along this index.
        Index("ix_ideas_status_implemented", "status", "implemented_at", "id"),
        # The board, newest first or recently updated, read page by page along these.
        Index("ix_ideas_created", "created_at", "id"),
        Index("ix_ideas_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="idea")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # Stored even when anonymous, so the submitter hears every follow-up; never shown.
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    implemented_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Any visible change (status, owner, comment, votes moved in): "recently updated" sorts on it.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The owner's last word (a status change or update): the 14-day reminder counts from here.
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    duplicate_of: Mapped[Idea | None] = relationship(remote_side=[id])
    implementers: Mapped[list[User]] = relationship(secondary=idea_implementers, order_by="User.name")
    tags: Mapped[list[IdeaTag]] = relationship(back_populates="idea", cascade="all, delete-orphan",
                                               order_by="IdeaTag.name")
    comments: Mapped[list[IdeaComment]] = relationship(back_populates="idea", cascade="all, delete-orphan",
                                                       order_by="IdeaComment.created_at")
    events: Mapped[list[IdeaEvent]] = relationship(back_populates="idea", cascade="all, delete-orphan",
                                                   order_by="IdeaEvent.created_at",
                                                   foreign_keys="IdeaEvent.idea_id")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    @property
    def dated_to_the_day(self) -> bool:
        """An anonymous idea is dated to the day only: the minute it was written could tell who was
        at a keyboard then. Its last change too, which is its creation or its author's comment."""
        return bool(self.anonymous)

    def proposer_label(self) -> str:
        """How the submitter is named to everyone: never by name when anonymous."""
        if self.anonymous:
            return "Anonymous"
        return self.submitter.name if self.submitter else "A former colleague"

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status}>"


class IdeaTag(db.Model):
    __tablename__ = "idea_tags"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True, index=True)

    idea: Mapped[Idea] = relationship(back_populates="tags")


class IdeaVote(db.Model):
    __tablename__ = "idea_votes"
    # One vote per person and idea: the database refuses a second one.
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class IdeaFollower(db.Model):
    __tablename__ = "idea_followers"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class IdeaComment(db.Model):
    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Written by the anonymous submitter of the idea: shown as "the author", never by name.
    as_anonymous_author: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    @property
    def dated_to_the_day(self) -> bool:
        """The anonymous author's comments are dated to the day only, as their idea is."""
        return bool(self.as_anonymous_author)

    def author_label(self) -> str:
        if self.as_anonymous_author:
            return "The author (anonymous)"
        return self.author.name if self.author else "A former colleague"


class IdeaEvent(db.Model):
    """One entry of an idea's public history: a status change or update, with the owner's words."""
    __tablename__ = "idea_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "status" (a change or an update in the same status) or "owner" (reassigned)
    event: Mapped[str] = mapped_column(String(16), default="status")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    idea: Mapped[Idea] = relationship(back_populates="events", foreign_keys=[idea_id])
    actor: Mapped[User | None] = relationship()
