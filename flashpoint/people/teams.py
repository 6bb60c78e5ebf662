"""Creating and changing teams: their place in the tree, their managers and the metrics they collect."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.people.services import PeopleError, team_by_slug

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise PeopleError(
            f"'{slug}' is not a valid team slug: use lowercase letters, digits and hyphens.", "slug"
        )
    return slug


def _check_parent(team: Team | None, parent: Team | None) -> None:
    node = parent
    while node is not None:
        if team is not None and node.id == team.id:
            raise PeopleError("A team cannot sit under itself or one of its own sub-teams.", "parent")
        node = node.parent


def create_team(slug: str, name: str, parent_slug: str | None = None) -> Team:
    slug = _check_slug(slug)
    if team_by_slug(slug):
        raise PeopleError(f"A team with the slug '{slug}' already exists.", "slug")
    name = (name or "").strip()
    if not name:
        raise PeopleError("A team needs a name.")
    parent = None
    if parent_slug:
        parent = team_by_slug(parent_slug)
        if parent is None:
            raise PeopleError(f"There is no team '{parent_slug}' to put this team under.", "parent")
    team = Team(slug=slug, name=name[:120], parent=parent)
    db.session.add(team)
    return team


def update_team(team: Team, *, name: str, parent: Team | None, form_metric: str,
                collected_metrics: list[str]) -> Team:
    name = (name or "").strip()
    if not name:
        raise PeopleError("A team needs a name.")
    _check_parent(team, parent)
    if not collected_metrics:
        raise PeopleError("A team collects at least one customer metric.", "collected_metrics")
    if form_metric not in collected_metrics:
        raise PeopleError("The public form must ask a metric the team collects.", "form_metric")
    team.name = name[:120]
    team.parent = parent
    team.collected_metrics = ",".join(m for m in ("csat", "nps", "ces") if m in collected_metrics)
    team.form_metric = form_metric
    return team


def set_team_managers(team: Team, managers: list[User]) -> None:
    team.managers = list(managers)
    for manager in managers:
        if manager.role == "staff":
            manager.role = "manager"


@dataclass
class TeamFields:
    """What the team form says about a team."""
    slug: str
    name: str
    parent_slug: str | None = None
    form_metric: str = "csat"
    collected_metrics: list[str] = field(default_factory=list)
    manager_ids: list[int] = field(default_factory=list)


def save_team(team: Team | None, fields: TeamFields) -> Team:
    """Create a team (when `team` is None) or change one. The caller commits, or rolls back on
    PeopleError, which names the form field at fault."""
    if team is None:
        team = create_team(fields.slug, fields.name, fields.parent_slug or None)
        db.session.flush()
    elif fields.slug.strip().lower() != team.slug:
        raise PeopleError("A team's slug cannot change: printed posters point at it.", "slug")
    parent = team_by_slug(fields.parent_slug) if fields.parent_slug else None
    update_team(team, name=fields.name, parent=parent, form_metric=fields.form_metric,
                collected_metrics=fields.collected_metrics)
    set_team_managers(team, _managers(team, fields.manager_ids))
    return team


MANAGER_ROLES = ("manager", "hr", "admin")


def _managers(team: Team, ids: list[int]) -> list[User]:
    """The people posted as the team's managers: each must exist and hold a manager's role (staff
    are made managers on their own page first), and work here unless they manage it already."""
    ids = list(dict.fromkeys(ids or []))
    people = {p.id: p for p in db.session.scalars(db.select(User).where(User.id.in_(ids)))} if ids else {}
    if any(i not in people for i in ids):
        raise PeopleError("One of the managers chosen is not someone we know.", "managers")
    current = {m.id for m in team.managers}
    for person in (people[i] for i in ids):
        if person.role not in MANAGER_ROLES:
            raise PeopleError(f"{person.name} is staff: give them the manager role on their own page first.",
                              "managers")
        if not person.active and person.id not in current:
            raise PeopleError(f"{person.name} no longer works here.", "managers")
    return [people[i] for i in ids]
