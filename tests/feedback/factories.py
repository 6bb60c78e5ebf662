"""Factories for feedback tests: teams with a form metric, stored feedback, CSV files, API tokens."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback

_seq = itertools.count(1)


def make_feedback(team, *, metric: str = "csat", score: int = 5, comment: str = "", positive: bool | None = None,
                  received_at: datetime | None = None, channel: str = "api", consent: bool = False,
                  helper_name: str = "", external_id: str | None = None) -> Feedback:
    item = Feedback(external_id=external_id or f"f-{next(_seq)}", team_id=team.id, metric=metric, score=score,
                    comment=comment, helper_name=helper_name, channel=channel, consent=consent,
                    received_at=received_at or utcnow() - timedelta(hours=1),
                    positive=(score >= 4) if positive is None else positive)
    db.session.add(item)
    db.session.commit()
    return item


def make_token(*scopes: str, name: str = "integration") -> str:
    _row, token = create_token(name, list(scopes) or ["feedback:write"])
    db.session.commit()
    return token


def csv_text(rows: list[dict], columns=("external_id", "received_at", "team", "metric", "score", "comment")) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def row(n: int, team: str = "shop", **fields) -> dict:
    base = {"external_id": f"ext-{n}", "received_at": "2026-01-05T10:00:00Z", "team": team, "metric": "csat",
            "score": "4", "comment": f"comment {n}"}
    base.update(fields)
    return base


def all_feedback() -> list[Feedback]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Feedback).order_by(Feedback.id)))
