"""The ideas CSV export: the board as filtered. An anonymous proposer is "anonymous" here as everywhere."""
from __future__ import annotations

import csv
import io

from engagement.ideas.board import BoardFilters, board_query, vote_counts
from flashpoint.csvfiles import safe_cell
from flashpoint.extensions import db
from flashpoint.people.models import User


def board_csv(filters: BoardFilters, viewer: User) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "kind", "team", "status", "votes", "proposer", "owner", "tags",
                     "created_at", "updated_at", "implemented_at", "duplicate_of"])
    found = db.session.scalars(board_query(filters, viewer)).all()
    counts = vote_counts(found)
    for idea in found:
        votes = counts[idea.id]
        writer.writerow([
            idea.id, safe_cell(idea.title), idea.kind, idea.team.slug, idea.status, votes,
            "anonymous" if idea.anonymous else safe_cell(idea.proposer_label()),
            safe_cell(idea.owner.name) if idea.owner else "", ",".join(idea.tag_names),
            _instant(idea.created_at, idea.dated_to_the_day), _instant(idea.updated_at, idea.dated_to_the_day),
            idea.implemented_at.isoformat(timespec="seconds") if idea.implemented_at else "",
            idea.duplicate_of_id or "",
        ])
    return out.getvalue()


def _instant(value, day_only: bool) -> str:
    """ISO seconds; an anonymous idea's instants to the day only (see Idea.dated_to_the_day)."""
    return value.date().isoformat() if day_only else value.isoformat(timespec="seconds")
