"""Helpers for the fuzzing tests: what "nothing half-written" is checked against."""
from __future__ import annotations

import hashlib

from flashpoint.extensions import db

# Bookkeeping a refused request may legitimately touch: when a valid token was last used.
IGNORED_COLUMNS = {("api_tokens", "last_used_at")}


def database_state() -> dict[str, str]:
    """A fingerprint of every table's rows (content, not only counts): equal before and after a
    refused request or import means it added, removed and changed nothing."""
    state = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
        rows = db.session.execute(db.select(*columns)).all()
        digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        state[table.name] = f"{len(rows)}:{digest[:16]}"
    return state
