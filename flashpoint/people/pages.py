"""What the people and team admin pages show: the directory a viewer may see with its filters, the
team tree with head counts, and the choices the person and team forms offer (managers are found
with the people picker, `picker.py`)."""
from __future__ import annotations

from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.people.services import team_by_slug
from flashpoint.permissions import can

DIRECTORY_FILTERS = ("q", "team", "role", "status")


def directory(viewer: User, filters: dict[str, str]):
    """People `viewer` may see, filtered; also the teams they may see (None: every team)."""
    stmt = db.select(User).options(selectinload(User.team)).order_by(User.name, User.id)
    visible_teams = None
    if not can(viewer, "view_whole_directory"):
        visible_teams = viewer.managed_team_ids()
        stmt = stmt.where(User.team_id.in_(visible_teams))
    if filters["q"]:
        escaped = filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(or_(db.func.lower(User.name).like(like, escape="\\"),
                              User.email.like(like, escape="\\")))
    if filters["team"]:
        team = team_by_slug(filters["team"])
        # A department's filter includes its teams.
        stmt = stmt.where(User.team_id.in_([t.id for t in team.subtree()] if team else []))
    if filters["role"]:
        stmt = stmt.where(User.role == filters["role"])
    if filters["status"] == "inactive":
        stmt = stmt.where(User.active.is_(False))
    elif filters["status"] == "never":
        stmt = stmt.where(User.last_login_at.is_(None), User.active.is_(True))
    elif filters["status"] == "active":
        stmt = stmt.where(User.active.is_(True))
    return stmt, visible_teams


def team_choices(include_none: bool = True, only: set[int] | None = None) -> list[tuple[str, str]]:
    stmt = db.select(Team).order_by(Team.name)
    if only is not None:
        stmt = stmt.where(Team.id.in_(only))
    choices = [("", "— none —")] if include_none else []
    return choices + [(t.slug, t.name) for t in db.session.scalars(stmt)]


def parent_choices(team: Team | None) -> list[tuple[str, str]]:
    """Where a team may sit: not under itself or its own sub-teams."""
    below = {t.id for t in team.subtree()} if team is not None else set()
    return [("", "— none (a department or a stand-alone team) —")] + [
        (t.slug, t.name) for t in db.session.scalars(db.select(Team).order_by(Team.name)) if t.id not in below
    ]


def team_tree() -> dict:
    """Departments and stand-alone teams at the root, with each team's count of active people."""
    all_teams = db.session.scalars(
        db.select(Team).options(selectinload(Team.children), selectinload(Team.managers)).order_by(Team.name)
    ).all()
    roots = [t for t in all_teams if t.parent_id is None]
    counts = dict(db.session.execute(
        db.select(User.team_id, db.func.count(User.id)).where(User.active.is_(True)).group_by(User.team_id)
    ).all())
    return {"roots": roots, "counts": counts, "total": len(all_teams)}


def team_members(team: Team | None) -> list[User]:
    if team is None or team.id is None:
        return []
    return db.session.scalars(
        db.select(User).where(User.team_id == team.id).order_by(User.active.desc(), User.name)
    ).all()
