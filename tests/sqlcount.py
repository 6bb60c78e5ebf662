"""Counting the SQL statements a block of code sends: regression guards for hot paths.

    with count_statements() as counted:
        client.get("/pulses")
    assert len(counted) == ...

Counted with a `before_cursor_execute` listener on the app's engine (so on SQLite and PostgreSQL
alike); `counted.statements` holds the SQL text for a helpful failure message.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from sqlalchemy import event

from flashpoint.extensions import db


class Counted:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"{len(self)} statements:\n" + "\n".join(" ".join(s.split())[:160] for s in self.statements)


@contextmanager
def count_statements(this_thread_only: bool = False):
    """`this_thread_only`: leave out what other threads send meanwhile (a background computation)."""
    counted = Counted()
    thread = threading.get_ident()

    def listener(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not this_thread_only or threading.get_ident() == thread:
            counted.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", listener)
