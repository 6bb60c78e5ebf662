"""Creating and changing people, their passwords, and the CSV import of people. With `teams`, the only
code that writes people and teams."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from flashpoint import csvfiles
from flashpoint.extensions import db
from flashpoint.people.models import ROLE_VALUES, Team, User
from flashpoint.timeutil import valid_timezone

SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,31}$")
MIN_PASSWORD = 10


class PeopleError(ValueError):
    """A request about people or teams that cannot be carried out, with a message for people.

    `field` names the form field at fault, when there is one, so a form can show it there.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(raw: str) -> str:
    """Syntax only: a self-hosted organisation may use intranet or `.test` domains (the demo does)."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False, globally_deliverable=False,
                              test_environment=True).normalized.lower()
    except EmailNotValidError as exc:
        raise PeopleError(f"'{raw}' is not a valid e-mail address ({exc})") from None


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise PeopleError(f"A password needs at least {MIN_PASSWORD} characters.")


def team_by_slug(slug: str) -> Team | None:
    return db.session.scalar(db.select(Team).where(Team.slug == (slug or "").strip().lower()))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))


class SignInRefused(PeopleError):
    """The e-mail and password do not let this person in; the message says why in plain words."""


# Checked against when nobody has the e-mail, so an unknown address costs the same hashing as a
# wrong password and the time taken does not tell who has an account.
_NOBODYS_HASH = generate_password_hash("no account has this password")


def sign_in(email: str, password: str, now: datetime, *, admins_only: bool = False) -> User:
    """The person these credentials belong to, with the sign-in recorded (the caller commits).

    One message for an unknown e-mail and a wrong password: the answer does not reveal who has an
    account. `admins_only` (SSO_ONLY): everyone else signs in through single sign-on, and the one
    message does not tell an administrator's address from anyone else's either.
    """
    user = user_by_email(email)
    if user is None:
        check_password_hash(_NOBODYS_HASH, password)
    if admins_only and (user is None or not user.check_password(password) or user.role != "admin"):
        raise SignInRefused("Signing in with a password is kept for administrators, and that e-mail and "
                            "password do not match an administrator's account. Everyone else signs in "
                            "with single sign-on.")
    if user is None or not user.check_password(password):
        raise SignInRefused("That e-mail and password do not match an account.")
    if not user.active:
        raise SignInRefused("This account has been deactivated. Ask an administrator if that is a mistake.")
    record_sign_in(user, now)
    return user


def end_sessions(user: User) -> None:
    """Signing out: every session of this person issued so far stops working, in every browser
    and for any copy of the cookie (the caller commits)."""
    user.end_sessions()


def record_sign_in(user: User, now: datetime) -> None:
    """Remember when the person last signed in (the not-signed-in list reads it)."""
    user.last_login_at = now


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


class _DatabaseLookup:
    """Finds teams and Slack ids with one query each; the CSV import swaps in preloaded maps."""

    def team(self, slug: str) -> Team | None:
        return team_by_slug(slug)

    def slack_owner(self, slack_id: str) -> User | None:
        return db.session.scalar(db.select(User).where(User.slack_user_id == slack_id))


def _clean_person(fields: PersonFields, existing: User | None = None,
                  lookup=None) -> tuple[dict, Team | None]:
    """Validate the fields of a person; raise PeopleError naming every problem at once."""
    lookup = lookup or _DatabaseLookup()
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
        team = lookup.team(fields.team_slug.strip().lower())
        if team is None:
            problems.append(f"there is no team '{fields.team_slug.strip()}'")
    slack_id = (fields.slack_id or "").strip() or None
    if slack_id:
        if not SLACK_ID_RE.match(slack_id):
            problems.append(f"'{slack_id}' does not look like a Slack user id (U…)")
        else:
            owner = lookup.slack_owner(slack_id)
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
        raise PeopleError(f"{clean['email']} already has an account.", "email")
    user = User(email=clean["email"], name=clean["name"], role=clean["role"], team=team,
                slack_user_id=clean["slack_user_id"], timezone=clean["timezone"] or "UTC")
    if fields.password:
        user.set_password(fields.password)
    db.session.add(user)
    if team is not None and clean["role"] == "manager" and team not in user.managed_teams:
        # A manager created with --team manages that team and belongs to it
        # (docs/interface.md, "Pulses and anonymity").
        user.managed_teams.append(team)
    return user


def update_user(user: User, fields: PersonFields, *, active: bool | None = None,
                lookup=None) -> User:
    clean, team = _clean_person(fields, existing=user, lookup=lookup)
    if clean["email"] != user.email:
        other = user_by_email(clean["email"])
        if other is not None and other.id != user.id:
            raise PeopleError(f"{clean['email']} already has an account.", "email")
    if clean["role"] == "staff" and user.managed_teams:
        # Staff manage nobody: a demoted manager stops managing their teams (and approving).
        user.managed_teams = []
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


def add_person(fields: PersonFields, *, nicknames: str | None, active: bool) -> User:
    """A person added from the admin page, with the names customers use for them."""
    user = create_user(fields)
    user.nicknames = (nicknames or "").strip()
    user.active = active
    return user


def edit_person(person: User, fields: PersonFields, *, nicknames: str | None, active: bool, by: User) -> User:
    """Change a person from the admin page. Nobody deactivates themselves or changes their own role:
    another admin must, so the organisation is never left without one."""
    if person.id == by.id and not active:
        raise PeopleError("You cannot deactivate yourself.", "active")
    if person.id == by.id and fields.role != by.role:
        raise PeopleError("You cannot change your own role.", "role")
    update_user(person, fields, active=active)
    person.nicknames = (nicknames or "").strip()
    return person


def toggle_active(person: User, *, by: User) -> None:
    """Deactivate someone (they can no longer sign in) or bring them back; never oneself."""
    if person.id == by.id:
        raise PeopleError("You cannot deactivate yourself.")
    person.active = not person.active


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise PeopleError("Your current password is not right.", "current")
    check_password_strength(new)
    user.set_password(new)


IMPORT_COLUMNS = ("email", "name", "role", "team", "slack_id", "timezone")


@dataclass
class PeopleImportReport(csvfiles.ImportReport):
    """What a people import did (or, with errors, why it did nothing), and who it added."""
    added_names: list[str] = field(default_factory=list)

    def discard(self) -> None:
        super().discard()
        self.added_names = []

    def summary(self) -> str:
        if not self.ok:
            return f"Nothing was imported: {len(self.errors)} problem{'s' if len(self.errors) != 1 else ''} to fix."
        if not self.rows:
            return "The file has a header but no people in it; nothing changed."
        return (f"{self.rows} row{'s' if self.rows != 1 else ''} read: {self.added} added, "
                f"{self.updated} updated, {self.unchanged} unchanged.")


class _PreloadedLookup:
    """Every team and Slack id read once, so a file of thousands of rows costs a few queries."""

    def __init__(self) -> None:
        self.teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
        self.users = {u.email: u for u in db.session.scalars(
            db.select(User).options(selectinload(User.managed_teams)))}
        self.slack_owners = {u.slack_user_id: u for u in self.users.values() if u.slack_user_id}

    def team(self, slug: str) -> Team | None:
        return self.teams.get(slug)

    def slack_owner(self, slack_id: str) -> User | None:
        return self.slack_owners.get(slack_id)


def _snapshot(user: User) -> tuple:
    # Objects, not ids: nothing is flushed during the import, so foreign keys lag behind.
    return (user.name, user.role, user.team, user.slack_user_id, user.timezone,
            frozenset(id(t) for t in user.managed_teams))


def import_people(text: str) -> PeopleImportReport:
    """Upsert people by e-mail from CSV text. All rows or none: on any bad row nothing is kept.

    Problems are reported per row as `line N: …` (the header is line 1). The caller commits.
    """
    report = PeopleImportReport()
    rows = report.read(text, IMPORT_COLUMNS)
    if not report.ok:
        return report
    lookup = _PreloadedLookup()
    seen_emails: dict[str, int] = {}
    seen_slack: dict[str, int] = {}
    with db.session.no_autoflush:
        for number, row, _extra in rows:
            fields = PersonFields(email=row["email"], name=row["name"], role=row["role"].strip(),
                                  team_slug=row["team"].strip(), slack_id=row["slack_id"].strip(),
                                  timezone=row["timezone"].strip())
            try:
                email = normalise_email(fields.email)
            except PeopleError as exc:
                report.error(number, str(exc))
                continue
            if email in seen_emails:
                report.error(number, f"{email} already appears on line {seen_emails[email]}")
                continue
            seen_emails[email] = number
            slack_id = (fields.slack_id or "").strip()
            if slack_id and slack_id in seen_slack:
                report.error(number, f"Slack id {slack_id} already appears on line {seen_slack[slack_id]}")
                continue
            if slack_id:
                seen_slack[slack_id] = number
            try:
                _import_row(fields, email, lookup, report)
            except PeopleError as exc:
                report.error(number, str(exc))
    if report.errors:
        db.session.rollback()
        report.discard()
    else:
        try:
            db.session.flush()
        except IntegrityError as exc:  # e.g. two people swapping Slack ids in one file
            db.session.rollback()
            report.discard()
            report.errors.append(f"the file clashes with people already stored: {exc.orig}")
    return report


def _import_row(fields: PersonFields, email: str, lookup: _PreloadedLookup, report: PeopleImportReport) -> None:
    existing = lookup.users.get(email)
    if existing is not None:
        # An empty cell leaves that detail as it is: an HR export without Slack ids must not
        # unlink everyone from Slack, nor an empty role take an admin's rights away.
        fields.role = fields.role or existing.role
        fields.team_slug = fields.team_slug or (existing.team.slug if existing.team else "")
        fields.slack_id = fields.slack_id or existing.slack_user_id or ""
    else:
        fields.role = fields.role or "staff"
    if existing is None:
        clean, team = _clean_person(fields, lookup=lookup)
        user = User(email=clean["email"], name=clean["name"], role=clean["role"], team=team,
                    slack_user_id=clean["slack_user_id"], timezone=clean["timezone"] or "UTC",
                    active=True, nicknames="", private_recognition=False)
        if team is not None and clean["role"] == "manager":
            user.managed_teams = [team]
        db.session.add(user)
        lookup.users[email] = user
        report.added += 1
        report.added_names.append(clean["name"])
    else:
        before = _snapshot(existing)
        previous_slack = existing.slack_user_id
        update_user(existing, fields, lookup=lookup)
        if existing.role == "manager" and existing.team and existing.team not in existing.managed_teams:
            existing.managed_teams.append(existing.team)
        if _snapshot(existing) == before:
            report.unchanged += 1
        else:
            report.updated += 1
        if previous_slack and previous_slack != existing.slack_user_id:
            lookup.slack_owners.pop(previous_slack, None)
        user = existing
    if user.slack_user_id:
        lookup.slack_owners[user.slack_user_id] = user
