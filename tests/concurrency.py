"""Races on a real database: the same work in several threads, released at the same instant."""
from __future__ import annotations

import threading

from flashpoint.extensions import db


def at_once(app, work, threads: int, timeout: float = 60) -> list[Exception]:
    """Run `work()` in `threads` threads at once, each in its own app context (so its own database
    session and connection), all held at a barrier until every one is ready. Waits for them and
    returns what they raised, for the test to assert there is nothing."""
    barrier = threading.Barrier(threads)
    errors: list[Exception] = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                work()
            except Exception as exc:  # reported to the test
                errors.append(exc)
            finally:
                db.session.remove()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout)
    return errors
