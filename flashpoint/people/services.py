"""Creating and changing people and teams; the CSV import of people. The only code that writes them."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from flashpoint.extensions import db
from flashpoint.people.models import ROLE_VALUES, Team, User
from flashpoint.timeutil import valid_timezone

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,31}$")
MIN_PASSWORD = 10


class PeopleError(ValueError):
    """A request about people or teams that cannot be carried out, with a message for people."""


def normalise_email(raw: str) -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise PeopleError(f"'{raw}' is not a valid e-mail address ({exc})") from None


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise PeopleError(f"A password needs at least {MIN_PASSWORD} characters.")


def team_by_slug(slug: str) -> Team | None:
    return db.session.scalar(db.select(Team).where(Team.slug == (slug or "").strip().lower()))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))


def _check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise PeopleError(
            f"'{slug}' is not a valid team slug: use lowercase letters, digits and hyphens."
        )
    return slug


def _check_parent(team: Team | None, parent: Team | None) -> None:
    node = parent
    while node is not None:
        if team is not None and node.id == team.id:
            raise PeopleError("A team cannot sit under itself or one of its own sub-teams.")
        node = node.parent


def create_team(slug: str, name: str, parent_slug: str | None = None) -> Team:
    slug = _check_slug(slug)
    if team_by_slug(slug):
        raise PeopleError(f"A team with the slug '{slug}' already exists.")
    name = (name or "").strip()
    if not name:
        raise PeopleError("A team needs a name.")
    parent = None
    if parent_slug:
        parent = team_by_slug(parent_slug)
        if parent is None:
            raise PeopleError(f"There is no team '{parent_slug}' to put this team under.")
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
        raise PeopleError("A team collects at least one customer metric.")
    if form_metric not in collected_metrics:
        raise PeopleError("The public form must ask a metric the team collects.")
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
class PersonFields:
    email: str
    name: str
    role: str = "staff"
    team_slug: str | None = None
    slack_id: str | None = None
    timezone: str | None = None
    password: str | None = None
    errors: list[str] = field(default_factory=list)


def _clean_person(fields: PersonFields, existing: User | None = None) -> tuple[dict, Team | None]:
    """Validate the fields of a person; raise PeopleError naming every problem at once."""
    problems: list[str] = []
    clean: dict = {}
    try:
        clean["email"] = normalise_email(fields.email)
    except PeopleError as exc:
        problems.append(str(exc))
    name = (fields.name or "").strip()
    if not name:
        problems.append("a name is required")
    elif len(name) > 120:
        problems.append("the name is longer than 120 characters")
    clean["name"] = name
    role = (fields.role or "staff").strip().lower()
    if role not in ROLE_VALUES:
        problems.append(f"role '{fields.role}' is not one of {', '.join(ROLE_VALUES)}")
    clean["role"] = role
    team = None
    if fields.team_slug and fields.team_slug.strip():
        team = team_by_slug(fields.team_slug)
        if team is None:
            problems.append(f"there is no team '{fields.team_slug.strip()}'")
    slack_id = (fields.slack_id or "").strip() or None
    if slack_id:
        if not SLACK_ID_RE.match(slack_id):
            problems.append(f"'{slack_id}' does not look like a Slack user id (U…)")
        else:
            owner = db.session.scalar(db.select(User).where(User.slack_user_id == slack_id))
            if owner is not None and (existing is None or owner.id != existing.id):
                if owner.email != clean.get("email"):
                    problems.append(f"Slack id {slack_id} already belongs to {owner.email}")
    clean["slack_user_id"] = slack_id
    tz = (fields.timezone or "").strip() or None
    if tz and not valid_timezone(tz):
        problems.append(f"'{tz}' is not a time zone (use names like Europe/Paris)")
    clean["timezone"] = tz
    if fields.password:
        try:
            check_password_strength(fields.password)
        except PeopleError as exc:
            problems.append(str(exc))
    if problems:
        raise PeopleError("; ".join(problems))
    return clean, team


def create_user(fields: PersonFields) -> User:
    clean, team = _clean_person(fields)
    if user_by_email(clean["email"]):
        raise PeopleError(f"{clean['email']} already has an account.")
    user = User(email=clean["email"], name=clean["name"], role=clean["role"], team=team,
                slack_user_id=clean["slack_user_id"], timezone=clean["timezone"] or "UTC")
    if fields.password:
        user.set_password(fields.password)
    db.session.add(user)
    if team is not None and clean["role"] == "manager" and team not in user.managed_teams:
        # INTERFACE: a manager created with --team manages that team and belongs to it.
        user.managed_teams.append(team)
    return user


def update_user(user: User, fields: PersonFields, *, active: bool | None = None) -> User:
    clean, team = _clean_person(fields, existing=user)
    other = user_by_email(clean["email"])
    if other is not None and other.id != user.id:
        raise PeopleError(f"{clean['email']} already has an account.")
    user.email = clean["email"]
    user.name = clean["name"]
    user.role = clean["role"]
    user.team = team
    user.slack_user_id = clean["slack_user_id"]
    if clean["timezone"]:
        user.timezone = clean["timezone"]
    if fields.password:
        user.set_password(fields.password)
    if active is not None:
        user.active = active
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise PeopleError("Your current password is not right.")
    check_password_strength(new)
    user.set_password(new)


IMPORT_COLUMNS = ("email", "name", "role", "team", "slack_id", "timezone")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is refused with a message saying so."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PeopleError(
            f"The file is not UTF-8 (byte {exc.start + 1} cannot be read). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None


def import_people(text: str) -> ImportReport:
    """Upsert people by e-mail from CSV text. All rows or none: on any bad row nothing is kept."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        report.errors.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
        return report
    reader.fieldnames = header
    seen: dict[str, int] = {}
    with db.session.no_autoflush:
        for number, row in enumerate(reader, start=2):
            email = (row.get("email") or "").strip().lower()
            fields = PersonFields(email=email, name=row.get("name") or "", role=row.get("role") or "staff",
                                  team_slug=row.get("team"), slack_id=row.get("slack_id"),
                                  timezone=row.get("timezone"))
            if email in seen:
                report.errors.append(f"line {number}: {email} already appears on line {seen[email]}")
                continue
            seen[email] = number
            try:
                existing = user_by_email(email)
                if existing is None:
                    create_user(fields)
                    report.created += 1
                else:
                    update_user(existing, fields)
                    if existing.role == "manager" and existing.team and existing.team not in existing.managed_teams:
                        existing.managed_teams.append(existing.team)
                    report.updated += 1
                db.session.flush()
            except PeopleError as exc:
                report.errors.append(f"line {number}: {exc}")
    if report.errors:
        db.session.rollback()
        report.created = report.updated = 0
    return report
