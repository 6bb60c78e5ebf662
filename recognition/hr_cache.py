"""A short-lived, process-wide cache for the figures HR reads across the whole organisation."""
from __future__ import annotations

import time

from flask import current_app

# HR's panels and counts aggregate the whole organisation's history; managers' are scoped to their
# teams and read live. Each gunicorn worker keeps its own copy for TTL seconds, so whichever worker
# answers, what HR reads is at most TTL old (a new story or praise shows within the minute).
TTL = 60.0


def hr_cached(key: tuple, compute):
    """compute()'s value, kept TTL seconds per app under `key` (which must name all it depends on)."""
    store = current_app.extensions.setdefault("recognition.hr_cache", {})
    now = time.monotonic()
    found = store.get(key)
    if found is not None and now - found[0] < TTL:
        return found[1]
    value = compute()
    store[key] = (now, value)
    return value
