"""Computing a kept value's successor in a background thread, one thread per key at a time.

Per-process caches that serve their last value while the next one is computed (insights answers,
HR's organisation-wide figures) start the computation here: it runs in its own thread, app context
and database session, an exception is logged (the cache keeps what it had), and tests wait for
every computation under way with `wait_for_refreshes()`.
"""
from __future__ import annotations

import threading
from typing import Callable

from flask import Flask

from flashpoint.extensions import db

_lock = threading.Lock()
# Keys whose computation a background thread is running: one thread per key at a time.
_refreshing: dict[tuple, threading.Thread] = {}


def refresh_in_background(app: Flask, key: tuple, work: Callable[[], None], what: str) -> bool:
    """Run work() in a thread of its own in an app context of `app`, unless one is already running
    for `key` (which names its cache too); True when a thread was started. `what` names the work in
    the thread's name and in the log should it fail."""
    with _lock:
        if key in _refreshing:
            return False
        thread = threading.Thread(target=_run, args=(app, key, work, what), name=f"{what}-refresh", daemon=True)
        _refreshing[key] = thread
        thread.start()
        return True


def _run(app: Flask, key: tuple, work: Callable[[], None], what: str) -> None:
    try:
        with app.app_context():
            try:
                work()
            finally:
                db.session.remove()
    except Exception:  # the kept value stays; the log says what went wrong
        app.logger.exception("computing %s in the background failed", what)
    finally:
        with _lock:
            _refreshing.pop(key, None)


def refreshing(key: tuple) -> bool:
    """Is a background computation for `key` under way?"""
    with _lock:
        return key in _refreshing


def wait_for_refreshes(timeout: float = 30.0) -> None:
    """Until the background computations under way have finished (tests, and the benchmark)."""
    with _lock:
        threads = list(_refreshing.values())
    for thread in threads:
        thread.join(timeout)
