"""User and Team, and the association saying who manages which team."""
from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from flashpoint.core.languages import N_
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow


class Role(str, enum.Enum):
    STAFF = "staff"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"staff": N_("Staff"), "manager": N_("Manager"), "hr": N_("HR"), "admin": N_("Admin")}[self.value]


ROLE_VALUES = [role.value for role in Role]
METRICS = ("csat", "nps", "ces")

team_managers = Table(
    "team_managers",
    db.metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # Which customer metrics the team collects ("csat,nps,ces") and which its public form asks.
    collected_metrics: Mapped[str] = mapped_column(String(32), default="csat,nps,ces")
    form_metric: Mapped[str] = mapped_column(String(8), default="csat")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # SCIM provisioning (flashpoint/people/scim.py): the provider's own id for the team, and when a
    # provider's DELETE detached a team that has history (kept, no longer provisioned).
    scim_external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    scim_removed_at: Mapped[datetime | None] = mapped_column(DateTime)

    parent: Mapped[Team | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Team]] = relationship(back_populates="parent", order_by="Team.name")
    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id")
    managers: Mapped[list[User]] = relationship(
        secondary=team_managers, back_populates="managed_teams", order_by="User.name"
    )

    @property
    def metrics(self) -> list[str]:
        return [m for m in self.collected_metrics.split(",") if m]

    def collects(self, metric: str) -> bool:
        return metric in self.metrics

    def subtree(self) -> list[Team]:
        """This team and every team below it (departments include their teams)."""
        found, stack = [], [self]
        while stack:
            team = stack.pop()
            found.append(team)
            stack.extend(team.children)
        return found

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Other names customers use for this person ("Bob, Bobby"), for praise matching.
    nicknames: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.STAFF.value)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The identity provider's `sub` for this person, remembered at their first single sign-on: it
    # stays theirs when their e-mail address changes (flashpoint/people/sso.py).
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    # The identity provider's own id for this person (SCIM `externalId`, flashpoint/people/scim.py).
    scim_external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # The SCIM attributes the provider sent beyond the e-mail, name and active state (title, phone
    # numbers, addresses, enterprise department, manager…), given back as sent; None until then.
    scim_attributes: Mapped[dict | None] = mapped_column(JSON)
    # When the provider DELETEd the person: deactivated, kept with what they did, no longer
    # provisioned (SCIM answers 404) until the provider creates the same userName again.
    scim_removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Recognised privately: stories go to the person and their manager only.
    private_recognition: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped by signing out: every session and remember-me cookie issued before carries the old
    # value in its stamp and stops working (a copied cookie cannot outlive the sign-out).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers", order_by="Team.name"
    )

    @validates("active")
    def _reactivated(self, _key: str, active: bool) -> bool:
        # Someone made active again, however (an admin, provisioning), is no longer "removed by
        # provisioning": SCIM sees them again, and a later deactivation does not hide them.
        if active:
            self.scim_removed_at = None
        return active

    def get_id(self) -> str:
        """What the session remembers: the id and a stamp of the password hash and the session
        generation, so changing a password or signing out ends the person's other sessions
        (other browsers, remember-me cookies, a copied cookie). Checked by the user loader against
        the row it loads anyway: no extra query per request."""
        return f"{self.id}.{self.session_stamp}"

    @property
    def session_stamp(self) -> str:
        material = self.password_hash or ""
        if self.session_generation:  # generation 0 keeps the stamps issued before it existed valid
            material += f"\0{self.session_generation}"
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Make every session issued so far stop working (the caller commits)."""
        self.session_generation = (self.session_generation or 0) + 1

    # Flask-Login asks is_active; a deactivated person cannot sign in or stay signed in.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else self.email

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def managed_team_ids(self) -> set[int]:
        """Teams this person manages, sub-teams of a managed department included."""
        return {team.id for managed in self.managed_teams for team in managed.subtree()}

    def managers(self) -> list[User]:
        """The people who manage this person: managers of their team, else of a parent team."""
        team = self.team
        while team is not None:
            found = [m for m in team.managers if m.id != self.id and m.active]
            if found:
                return found
            team = team.parent
        return []

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AuditEvent(db.Model):
    """Something done with a person's data that an admin may need to account for (an export of
    one's data; later, an erasure): who did it, to whom, when. Kept after the person leaves."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Names as they were, so the log still reads after an erasure.
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    subject_label: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
