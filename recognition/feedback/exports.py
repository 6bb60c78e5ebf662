"""The feedback CSV export: the selected items in the import's columns first, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from flashpoint.csvfiles import safe_cell
from flashpoint.extensions import db
from flashpoint.people.models import Team
from recognition.feedback.models import Feedback
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
    teams = dict(db.session.execute(db.select(Team.id, Team.slug)).all())
    # Plain columns, fetched a thousand at a time: no object (nor identity map entry) per item, memory flat.
    columns = stmt.with_only_columns(Feedback.external_id, Feedback.received_at, Feedback.team_id, Feedback.metric,
                                     Feedback.score, Feedback.comment, Feedback.consent, Feedback.helper_name,
                                     Feedback.channel, Feedback.positive)
    for (external_id, received_at, team_id, metric, score, comment, consent, helper_name, channel,
         positive) in db.session.execute(columns.execution_options(yield_per=1000)):
        writer.writerow([safe_cell(as_text(external_id)), received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         teams.get(team_id, ""), metric, score, safe_cell(as_text(comment)),
                         "true" if consent else "false", safe_cell(as_text(helper_name)), channel,
                         "true" if positive else "false"])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()
