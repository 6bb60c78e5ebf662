"""Keyset pages of a newest-first list (the hero wall, the praise inbox): a page costs what page 1 costs.

A list is ordered by (a time, the id), newest first. The links between pages carry a cursor — the id of
the last item shown (`after=`, older) or of the first (`before=`, newer) — so the next page is read
from where this one stopped, by the index, instead of counting past every earlier row with OFFSET.
The links keep `page=N` too, for the "Page N of M" the page shows. An address with only `?page=N`
(an old link, a bookmark) still answers that page: its ids are found by an OFFSET over the index's
keys alone, and only those rows are loaded.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import and_, or_

from flashpoint.extensions import MAX_PAGE, db


@dataclass
class KeysetPage:
    """One page: its items, its number, the cursors its links carry, and the list's size."""

    items: list
    page: int
    per_page: int
    total: int
    has_prev: bool
    has_next: bool
    prev_cursor: int | None = None
    next_cursor: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def prev_num(self) -> int:
        return max(1, self.page - 1)

    @property
    def next_num(self) -> int:
        return self.page + 1

    def prev_args(self) -> dict:
        """The query-string arguments of the link to the newer page."""
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


def keyset_page(ids_stmt, load, *, time_col, id_col, args, per_page: int, total) -> KeysetPage:
    """The page the query string asks for (`page`, `after`, `before`).

    `ids_stmt` selects the list's rows (filters applied, no order); `load(ids)` returns the rows of
    those ids, any order; `total()` counts the list (called once per page).
    """
    page = min(_positive(args.get("page")) or 1, MAX_PAGE)
    after, before = _positive(args.get("after")), _positive(args.get("before"))
    cursor = after or before
    key = None
    if cursor is not None:
        key = db.session.execute(ids_stmt.with_only_columns(time_col, id_col).where(id_col == cursor)).first()
    newest_first = (time_col.desc(), id_col.desc())
    keys = ids_stmt.with_only_columns(id_col)
    if key is not None and key[0] is not None:
        at, ident = key
        if after:
            keys = keys.where(or_(time_col < at, and_(time_col == at, id_col < ident))).order_by(*newest_first)
        else:
            keys = keys.where(or_(time_col > at, and_(time_col == at, id_col > ident))).order_by(
                time_col.asc(), id_col.asc())
        found = list(db.session.scalars(keys.limit(per_page + 1)))
        more = len(found) > per_page
        found = found[:per_page]
        if before:
            found.reverse()
            has_prev, has_next = more or page > 1, True
            if not more and page > 1 and found:
                # Reached the newest rows: this is page 1 whatever the link said.
                page = 1
                has_prev = False
        else:
            has_prev, has_next = True, more
    else:
        # A page number alone: skip the earlier pages over the index's keys, not over whole rows.
        found = list(db.session.scalars(keys.order_by(*newest_first)
                                        .offset((page - 1) * per_page).limit(per_page + 1)))
        has_next = len(found) > per_page
        found = found[:per_page]
        has_prev = page > 1
    rows = {row.id: row for row in load(found)} if found else {}
    items = [rows[i] for i in found if i in rows]
    return KeysetPage(items=items, page=page, per_page=per_page, total=total(), has_prev=has_prev,
                      has_next=has_next, prev_cursor=items[0].id if items else None,
                      next_cursor=items[-1].id if items else None)
