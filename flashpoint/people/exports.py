"""The people directory as CSV, in the import's own columns, so an export can be edited and re-imported."""
from __future__ import annotations

import csv
import io

from flashpoint.csvfiles import safe_cell
from flashpoint.extensions import db
from flashpoint.people.services import IMPORT_COLUMNS


def people_csv(stmt) -> str:
    """The people `stmt` selects, one row each, with whether they are active and their last sign-in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*IMPORT_COLUMNS, "active", "last_sign_in"])
    for person in db.session.scalars(stmt):
        writer.writerow([safe_cell(person.email), safe_cell(person.name), person.role,
                         person.team.slug if person.team else "", safe_cell(person.slack_user_id),
                         safe_cell(person.timezone), "true" if person.active else "false",
                         person.last_login_at.isoformat(timespec="seconds") if person.last_login_at else ""])
    return out.getvalue()
