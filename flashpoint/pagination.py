"""Keyset pages of a newest-first list (feedback, ideas, the hero wall, the praise inbox): page 500 costs what page 1 costs, and `?page=N` addresses keep working.

A list is ordered by (a time, the id), newest first. The links between pages carry a cursor — the id
of the last row shown (`after=`, older) or of the first (`before=`, newer) — and the page number, so
the next page is read from where this one stopped, along the index, instead of skipping every
earlier row with OFFSET. An address with only `?page=N` (an old link, a bookmark) still answers that
page: its ids are found by an OFFSET over the index's keys alone, and only those rows are loaded.

The size shown ("Page 2 of 7 · 160 in all") is counted up to COUNT_CAP rows: beyond that the page
says "more than 10,000", so counting never reads the whole history either.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import and_, func, or_

from flashpoint.extensions import MAX_PAGE, db

COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    """One page: its rows, its number, the cursors its links carry, and the list's size (capped)."""

    items: list
    page: int
    per_page: int
    total: int          # exact when not `total_capped`, else COUNT_CAP
    total_capped: bool
    has_prev: bool
    has_next: bool
    prev_cursor: int | None = None
    next_cursor: int | None = None

    @property
    def pages(self) -> int:
        if not self.total:
            return 0
        return max(self.page + (1 if self.has_next else 0), math.ceil(self.total / self.per_page))

    @property
    def prev_num(self) -> int:
        return max(1, self.page - 1)

    @property
    def next_num(self) -> int:
        return self.page + 1

    def prev_args(self) -> dict:
        """The query-string arguments of the link to the newer page (page 1 needs no cursor)."""
        if self.page - 1 <= 1 or self.prev_cursor is None:
            return {"page": self.prev_num, "before": None, "after": None}
        return {"page": self.prev_num, "before": self.prev_cursor, "after": None}

    def next_args(self) -> dict:
        """The query-string arguments of the link to the older page."""
        return {"page": self.next_num, "after": self.next_cursor, "before": None}


def _positive(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _older(time_col, id_col, at, ident):
    # `time <= at AND (...)` gives both databases a range on the index; a bare OR would not.
    return and_(time_col <= at, or_(time_col < at, id_col < ident))


def _newer(time_col, id_col, at, ident):
    return and_(time_col >= at, or_(time_col > at, id_col > ident))


def keyset_page(stmt, *, time_col, id_col, args, per_page: int, load=None,
                total: Callable[[], int] | None = None) -> KeysetPage:
    """The page of `stmt` (a select of the list's rows, filters applied) the query string asks for.

    `args` holds `page`, `after` or `before`; `load(ids)` returns the rows of those ids in any order
    (default: `stmt`'s own entity by id, with whatever options `stmt` carries); `total()` gives the
    list's size where the caller knows it more cheaply (e.g. kept for a while), else it is counted
    up to COUNT_CAP.
    """
    page = min(_positive(args.get("page")) or 1, MAX_PAGE)
    after, before = _positive(args.get("after")), _positive(args.get("before"))
    keys = stmt.with_only_columns(id_col).order_by(None)
    newest_first = (time_col.desc(), id_col.desc())
    cursor = after or before
    key = None
    if cursor is not None:
        key = db.session.execute(stmt.with_only_columns(time_col, id_col).order_by(None)
                                 .where(id_col == cursor)).first()
    if key is not None and key[0] is not None:
        at, ident = key
        if after:
            found = list(db.session.scalars(keys.where(_older(time_col, id_col, at, ident))
                                            .order_by(*newest_first).limit(per_page + 1)))
            has_prev, has_next = True, len(found) > per_page
            found = found[:per_page]
        else:
            found = list(db.session.scalars(keys.where(_newer(time_col, id_col, at, ident))
                                            .order_by(time_col.asc(), id_col.asc()).limit(per_page + 1)))
            more = len(found) > per_page
            found = found[:per_page]
            found.reverse()
            has_prev, has_next = more, True
            if not more:
                page = 1  # reached the newest rows: this is page 1 whatever the link said
        if page == 1:
            has_prev = False
    else:
        # A page number alone: skip the earlier pages over the index's keys, never over whole rows.
        found = list(db.session.scalars(keys.order_by(*newest_first)
                                        .offset((page - 1) * per_page).limit(per_page + 1)))
        has_next = len(found) > per_page
        found = found[:per_page]
        has_prev = page > 1
    if found:
        if load is None:
            rows = {row.id: row for row in db.session.scalars(stmt.order_by(None).where(id_col.in_(found)))}
        else:
            rows = {row.id: row for row in load(found)}
    else:
        rows = {}
    items = [rows[i] for i in found if i in rows]
    if total is not None:
        counted, capped = total(), False
    else:
        counted = db.session.scalar(db.select(func.count()).select_from(keys.limit(COUNT_CAP + 1).subquery())) or 0
        counted, capped = min(counted, COUNT_CAP), counted > COUNT_CAP
    return KeysetPage(items=items, page=page, per_page=per_page, total=counted, total_capped=capped, has_prev=has_prev, has_next=has_next,
                      prev_cursor=items[0].id if items else None,
                      next_cursor=items[-1].id if items else None)
