"""Pulse tables: the question bank, schedules, cycles, anonymous answers and who-has-answered.

How the tables fit (and what the insights area may read):

- `pulse_items` — the question bank. `driver` is a driver key (docs/interface.md, "Drivers") or
  "enps"; `scale` is "agree5" (1–5 agreement) or "nps11" (0–10). Retired items stay for history.
- `pulse_schedules` (+ `pulse_schedule_teams`) — HR's schedules: cadence, weekday, local time,
  how many days a cycle stays open, driver items per cycle.
- `pulse_cycles` — one pulse for one team: `team_id`, `opens_on` (the local opening date: a live
  answer belongs to the period that contains this date), `closes_at` (UTC), `closed_at` (set
  when closed; `signals.cycle_closed` is sent then). `origin_key` is unique, so opening the
  same scheduled cycle (or the same day's "send now") twice opens it once.
- `pulse_cycle_items` — the questions a cycle asked, with the wording *as asked* (a snapshot:
  editing an item later never rewrites history) and its `driver`.
- `pulse_answers` — ONE VALUE PER ROW: `cycle_id`, `cycle_item_id`, `driver` (a driver key or
  "enps"), `value` (1–5, or 0–10 for eNPS). Deliberately no person, no timestamp, and a random
  UUID primary key (on SQLite a WITHOUT ROWID table, so even the physical order is random):
  nothing ties an answer to whoever gave it, or to when.
- `pulse_sealed_answers` — while a cycle is open, each person's answers wait here as ONE sealed
  row (`cycle_id` + an AES-GCM box under a key derived from SECRET_KEY, padded to one length):
  written in the same transaction as the person's participation, so it must be unreadable. At
  close they are opened, shuffled and written into `pulse_answers` in one statement of the closing
  transaction, and the sealed rows deleted (engagement/pulses/answering.py says why).
- `pulse_comments` — optional free text, `cycle_id` + body only (same rules as answers).
  `pulse_comment_authors` is the separate, access-controlled link letting an anonymous author
  receive replies (`pulse_comment_replies`); it never joins to answers.
- `pulse_participations` — who was invited to which cycle and whether they answered
  (cycle, person, invite_at, invited_at, reminded_at, answered, token_hash). Unique on
  (cycle, person): each person gets exactly one pulse per cycle. Only for reminders and
  response rates; it holds no answer.

Engagement of a team-period (docs/interface.md, "Engagement score"): the mean over its cycles'
answers with a driver key (not "enps") of `(value-1)*25`; eNPS from the "enps" answers. Group size
of a team-period is the largest number of respondents (`answered` participations) of one of its
cycles. Use `engagement.pulses.results` (threshold and subtraction rules applied) rather than raw
SQL where you can.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow

DRIVERS = ("recognition", "feedback", "growth", "empowerment", "tools", "manager", "peers",
           "purpose", "wellbeing", "customer_focus")
ENPS = "enps"
DRIVER_LABELS = {
    "recognition": "Recognition", "feedback": "Feedback", "growth": "Growth",
    "empowerment": "Empowerment", "tools": "Tools & resources", "manager": "Manager",
    "peers": "Peers", "purpose": "Purpose", "wellbeing": "Wellbeing",
    "customer_focus": "Customer focus", "enps": "eNPS",
}
AGREE5 = "agree5"
NPS11 = "nps11"
CADENCES = {"weekly": "Every week", "biweekly": "Every 2 weeks", "monthly": "Every month"}


def _uuid() -> str:
    return uuid.uuid4().hex


class PulseItem(db.Model):
    __tablename__ = "pulse_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    driver: Mapped[str] = mapped_column(String(32))
    scale: Mapped[str] = mapped_column(String(8), default=AGREE5)
    text: Mapped[str] = mapped_column(String(300))
    # Bumped on each edit of the wording; cycles keep the wording they asked.
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def active(self) -> bool:
        return self.retired_at is None

    @property
    def driver_label(self) -> str:
        return DRIVER_LABELS.get(self.driver, self.driver)


pulse_schedule_teams = Table(
    "pulse_schedule_teams",
    db.metadata,
    Column("schedule_id", Integer, ForeignKey("pulse_schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class PulseSchedule(db.Model):
    __tablename__ = "pulse_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    cadence: Mapped[str] = mapped_column(String(16), default="weekly")
    weekday: Mapped[int] = mapped_column(Integer, default=1)  # 0 = Monday … 4 = Friday
    local_time: Mapped[str] = mapped_column(String(5), default="10:00")  # HH:MM, each person's zone
    open_days: Mapped[int] = mapped_column(Integer, default=5)
    items_per_cycle: Mapped[int] = mapped_column(Integer, default=5)
    # Cadence dates are counted from here (every 2 weeks: the week of this date is week 0).
    starts_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary=pulse_schedule_teams, order_by="Team.name")

    @property
    def cadence_label(self) -> str:
        return CADENCES.get(self.cadence, self.cadence)


class PulseCycle(db.Model):
    __tablename__ = "pulse_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "schedule:<id>:<team>:<date>" or "now:<team>:<date>": one cycle per key, whoever opens it.
    origin_key: Mapped[str] = mapped_column(String(120), unique=True)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("pulse_schedules.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    opens_on: Mapped[date] = mapped_column(Date, index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # position in the item rotation
    first_invite_at: Mapped[datetime] = mapped_column(DateTime)
    closes_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    schedule: Mapped[PulseSchedule | None] = relationship()
    items: Mapped[list[PulseCycleItem]] = relationship(
        back_populates="cycle", order_by="PulseCycleItem.position", cascade="all, delete-orphan")

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at


class PulseCycleItem(db.Model):
    __tablename__ = "pulse_cycle_items"
    __table_args__ = (UniqueConstraint("cycle_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pulse_cycles.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("pulse_items.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    driver: Mapped[str] = mapped_column(String(32))
    scale: Mapped[str] = mapped_column(String(8))
    wording: Mapped[str] = mapped_column(String(300))  # as asked in this cycle

    cycle: Mapped[PulseCycle] = relationship(back_populates="items")

    @property
    def low(self) -> int:
        return 0 if self.scale == NPS11 else 1

    @property
    def high(self) -> int:
        return 10 if self.scale == NPS11 else 5


class PulseAnswer(db.Model):
    """One value. No person, no time; a random key and (SQLite) no rowid, so no order either."""

    __tablename__ = "pulse_answers"
    # Results read (cycle, driver, value) only: a covering index answers them without touching
    # the table (on SQLite a WITHOUT ROWID table, where any other index lookup costs a second search).
    __table_args__ = (Index("ix_pulse_answers_cycle_driver_value", "cycle_id", "driver", "value"),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pulse_cycles.id", ondelete="CASCADE"))
    cycle_item_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_cycle_items.id", ondelete="CASCADE"), index=True)
    driver: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(Integer)


class PulseSealedAnswers(db.Model):
    """One person's answers to an open cycle, sealed until it closes: no person, no time, a random
    key, and contents only the app (holding SECRET_KEY) can read."""

    __tablename__ = "pulse_sealed_answers"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pulse_cycles.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[str] = mapped_column(Text)


class PulseComment(db.Model):
    """An optional comment left with a pulse: the cycle and the words only."""

    __tablename__ = "pulse_comments"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pulse_cycles.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)

    cycle: Mapped[PulseCycle] = relationship()
    replies: Mapped[list[PulseCommentReply]] = relationship(
        back_populates="comment", order_by="PulseCommentReply.created_at", cascade="all, delete-orphan")


class PulseCommentAuthor(db.Model):
    """Who wrote a comment, so replies reach them: read only to deliver replies and to let the
    author into their own thread. Never shown, never joined to answers."""

    __tablename__ = "pulse_comment_authors"

    comment_id: Mapped[str] = mapped_column(
        ForeignKey("pulse_comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class PulseCommentReply(db.Model):
    __tablename__ = "pulse_comment_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[str] = mapped_column(ForeignKey("pulse_comments.id", ondelete="CASCADE"), index=True)
    # A manager's or HR's reply names them; the anonymous author's reply has no user.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_author: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    comment: Mapped[PulseComment] = relationship(back_populates="replies")
    user: Mapped[User | None] = relationship()


class PulseParticipation(db.Model):
    """Who was invited and whether they answered: drives reminders and response rates only."""

    __tablename__ = "pulse_participations"
    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pulse_cycles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invite_at: Mapped[datetime] = mapped_column(DateTime)  # the person's local opening time, in UTC
    invited_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    # sha256 of the one-time link's token; the token itself is only in the invitation.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    cycle: Mapped[PulseCycle] = relationship()
    user: Mapped[User] = relationship()
