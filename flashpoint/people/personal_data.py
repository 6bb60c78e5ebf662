"""Each person's data under their control (GDPR articles 15 and 20): everything Flashpoint holds
about the signed-in person, as JSON or as a zip of CSV files, and the audit log that records each
export for admins.

Areas declare what they hold with `registry.add_personal_data(app, section, collect)`; this module
only gathers the sections, so a new area's data joins the export where the data is defined.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime

from flask import current_app

from flashpoint.csvfiles import safe_cell
from flashpoint.extensions import db
from flashpoint.people.models import AuditEvent, User
from flashpoint.registry import erasures, personal_data_sections
from flashpoint.timeutil import utcnow

AUDIT_PAGE = 200
FORMER = "A former colleague"


class ErasureRefused(ValueError):
    pass


def erase(person: User, *, by: User | None) -> AuditEvent:
    """Erase a leaver's personal data (GDPR article 17), in the caller's transaction.

    The person's row stays, so what they did keeps counting (stories, ideas, votes, claps, team
    sizes: every aggregate is unchanged), but it says "A former colleague" and holds nothing that
    identifies them; each area removes or redacts what it holds (`registry.add_erasure`).
    Anonymous pulse answers are untouched: they were never linked to anyone.
    """
    if by is not None and person.id == by.id:
        raise ErasureRefused("You cannot erase yourself; another admin can.")
    if person.role == "admin" and person.active:
        raise ErasureRefused("Deactivate this admin first: an active admin is not a leaver.")
    names = [person.name, *(n.strip() for n in (person.nicknames or "").split(",") if n.strip())]
    for forget in erasures(current_app):
        forget(person, names)
    person.name = FORMER
    person.email = f"former-{person.id}@erased.invalid"
    person.nicknames = ""
    person.slack_user_id = None
    person.oidc_subject = None
    person.scim_external_id = None
    person.scim_attributes = None  # phone numbers, addresses, title… as the provider sent them
    person.password_hash = None
    person.note = None
    person.timezone = "UTC"
    person.active = False
    person.end_sessions()
    event = record(by, "erasure", person, "personal data erased")
    event.subject_label = FORMER  # the log keeps that an erasure happened, not whose name it was
    return event


def profile(user: User) -> list[dict]:
    return [{"name": user.name, "email": user.email, "role": user.role,
             "team": user.team.name if user.team else None, "nicknames": user.nicknames or "",
             "slack_user_id": user.slack_user_id, "time_zone": user.timezone,
             "private_recognition": bool(user.private_recognition), "active": bool(user.active),
             "created_at": user.created_at, "last_sign_in_at": user.last_login_at}]


def provisioning(user: User) -> list[dict]:
    """What the identity provider sent about the person through SCIM (flashpoint/people/scim.py),
    one row per attribute, its value as JSON."""
    rows = [{"attribute": "externalId", "value": json.dumps(user.scim_external_id)}] if user.scim_external_id else []
    return rows + [{"attribute": key, "value": json.dumps(value, sort_keys=True)}
                   for key, value in sorted((user.scim_attributes or {}).items())]


def collect(user: User) -> dict[str, list[dict]]:
    """Every declared section about this person, in the order the areas declared them."""
    return {section: gather(user) for section, gather in personal_data_sections(current_app)}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def as_json(data: dict[str, list[dict]]) -> str:
    return json.dumps({k: [{f: _plain(v) for f, v in row.items()} for row in rows] for k, rows in data.items()},
                      ensure_ascii=False, indent=2)


def as_csv_zip(data: dict[str, list[dict]]) -> bytes:
    """One CSV per section (formula-guarded cells, like every export), zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section, rows in data.items():
            text = io.StringIO()
            columns = list(dict.fromkeys(f for row in rows for f in row)) or ["(nothing)"]
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([safe_cell("" if row.get(c) is None else str(_plain(row.get(c)))) for c in columns])
            archive.writestr(f"{section}.csv", text.getvalue())
    return buffer.getvalue()


def export(user: User, fmt: str) -> tuple[str | bytes, str, str]:
    """The person's data in `fmt` ("json" or "csv"): (body, mimetype, file name). Recorded in the
    audit log in the caller's transaction."""
    data = collect(user)
    record(user, "data export", user, f"format {fmt}")
    stamp = utcnow().strftime("%Y-%m-%d")
    if fmt == "csv":
        return as_csv_zip(data), "application/zip", f"flashpoint-my-data-{stamp}.zip"
    return as_json(data), "application/json", f"flashpoint-my-data-{stamp}.json"


def record(actor: User | None, action: str, subject: User | None, detail: str = "") -> AuditEvent:
    event = AuditEvent(action=action, actor_id=actor.id if actor else None, subject_id=subject.id if subject else None,
                       actor_label=actor.name if actor else "Flashpoint", subject_label=subject.name if subject else "",
                       detail=detail[:500], at=utcnow())
    db.session.add(event)
    return event


def recent_events(limit: int = AUDIT_PAGE) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                   .limit(limit)))


def sign_in_methods() -> dict[str, int]:
    """How the active people sign in: single sign-on (a remembered provider subject), a password,
    or never yet — for the admin's overview."""
    active = db.select(User).where(User.active.is_(True)).subquery()
    sso = db.session.scalar(db.select(db.func.count()).select_from(active).where(active.c.oidc_subject.is_not(None)))
    never = db.session.scalar(db.select(db.func.count()).select_from(active).where(active.c.last_login_at.is_(None)))
    total = db.session.scalar(db.select(db.func.count()).select_from(active))
    return {"single sign-on": sso or 0, "password": (total or 0) - (sso or 0) - (never or 0), "never signed in": never or 0}
