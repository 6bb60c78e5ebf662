"""A short-lived, process-wide cache for the figures HR reads across the whole organisation.

HR's panels and counts aggregate the whole organisation's history; managers' are scoped to their
teams and read live. Each gunicorn worker keeps its own copy, so whichever worker answers, what HR
reads is TTL old at most, give or take one computation (a new story or praise shows within the minute).

At full size (5,000 people, 2 million feedback items) one of them, HR's unsung-heroes lists
(recognition/stories/wall.py), takes about 1 s of CPU to count, which one HR request per minute and
worker used to pay. Now a value older than TTL is still served while one background thread per key
(flashpoint/background.py: its own app context and database session) computes its successor, which
the next request gets; a failed computation is logged and the kept value stays. Only when nothing is
kept yet, or the kept value is older than `HR_CACHE_MAX_STALE_SECONDS` (default 600: a worker that
had no HR request for ten minutes), does the request compute before it answers.
"""
from __future__ import annotations

import threading
import time

from flask import current_app

from flashpoint import background

# Seconds a kept value is served as it is; older, its successor is computed in the background.
TTL = 60.0
_lock = threading.Lock()


def hr_cached(key: tuple, compute):
    """compute()'s value, kept per app under `key` (which must name all it depends on): computed again
    in the background once older than TTL, in the request once older than HR_CACHE_MAX_STALE_SECONDS.

    compute runs in another thread when it refreshes a kept value: it must hold no ORM objects of the
    request's session, only ids, statements and plain values (it reads through `db.session`)."""
    app = current_app._get_current_object()
    store = app.extensions.setdefault("recognition.hr_cache", {})
    now = time.monotonic()
    found = store.get(key)
    if found is not None:
        age = now - found[0]
        if age < TTL:
            return found[1]
        if age < app.config.get("HR_CACHE_MAX_STALE_SECONDS", 0):
            def refresh():
                started = time.monotonic()
                _keep(store, key, started, compute())
            background.refresh_in_background(app, ("recognition.hr_cache", key), refresh, "hr-cache")
            return found[1]
    value = compute()
    _keep(store, key, now, value)
    return value


def _keep(store: dict, key: tuple, started: float, value) -> None:
    """Keep `value`, computed from `started` on, unless a value computed later is kept already."""
    with _lock:
        found = store.get(key)
        if found is None or found[0] <= started:
            store[key] = (started, value)


def wait_for_refreshes(timeout: float = 30.0) -> None:
    """Until the background computations under way have finished (tests)."""
    background.wait_for_refreshes(timeout)
