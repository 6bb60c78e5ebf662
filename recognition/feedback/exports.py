"""The feedback CSV export: the selected items in the import's columns first, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from flashpoint.csvfiles import safe_cell
from flashpoint.extensions import db
from flashpoint.people.models import Team
from recognition.feedback.validation import as_text

EXPORT_COLUMNS = ("external_id", "received_at", "team", "metric", "score", "comment", "consent",
                  "helper_name", "channel", "positive")


def export_rows(stmt) -> Iterable[str]:
    """CSV text of the selected feedback, in the import's columns first (so it can be re-imported)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + flush()  # a BOM so spreadsheet programs read the file as UTF-8
    teams = {t.id: t.slug for t in db.session.scalars(db.select(Team))}
    for item in db.session.scalars(stmt.execution_options(yield_per=1000)):
        writer.writerow([safe_cell(as_text(item.external_id)), item.received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         teams.get(item.team_id, ""), item.metric, item.score, safe_cell(as_text(item.comment)),
                         "true" if item.consent else "false", safe_cell(as_text(item.helper_name)), item.channel,
                         "true" if item.positive else "false"])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()
