"""The people directory as CSV, in the import's own columns, so an export can be edited and re-imported."""
from __future__ import annotations

import csv
import io

from flashpoint.extensions import db
from flashpoint.people.services import IMPORT_COLUMNS


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading quote keeps them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def people_csv(stmt) -> str:
    """The people `stmt` selects, one row each, with whether they are active and their last sign-in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*IMPORT_COLUMNS, "active", "last_sign_in"])
    for person in db.session.scalars(stmt):
        writer.writerow([_csv_safe(person.email), _csv_safe(person.name), person.role,
                         person.team.slug if person.team else "", _csv_safe(person.slack_user_id or ""),
                         _csv_safe(person.timezone), "true" if person.active else "false",
                         person.last_login_at.isoformat(timespec="seconds") if person.last_login_at else ""])
    return out.getvalue()
