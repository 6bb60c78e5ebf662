"""Python's cycle collector: how long-lived processes run it, and pausing it around bulk work.

A web worker or the scheduler holds a large, long-lived heap (the app, the people directory's name
indexes, kept insights answers: about 250,000 objects at 5,000 people) and a request makes
thousands of short-lived objects. With CPython's defaults (a young collection every 700
allocations) a page set off 15–25 collections, and each one that reached the middle or the oldest
generation walked that heap again: at full size, about half of a hero-wall request's CPU time, and
now and then a full collection of 0.2–0.9 s in the middle of someone's page.

`settle_long_lived_process()` (called by wsgi.py, once the app is built) moves everything that
exists then, the app and its modules, out of the collector's sight for good (`gc.freeze()`) and
lets many more allocations happen between young collections. Garbage without cycles is freed by
reference counting as before; cycles are still collected, only less often. Test apps are not
settled: a test session builds many apps and must let them go.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

# Allocations between young collections (CPython's default: 700), young collections between
# middle ones (10), middle collections between full ones (10; a full one also waits until a
# quarter of the old heap is new).
THRESHOLDS = (50_000, 20, 10)


def settle_long_lived_process() -> None:
    """For a process that serves for hours (a gunicorn worker, `flask run`, the scheduler)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextmanager
def paused():
    """The collector off for a piece of bulk work whose many new objects are not garbage (a panel
    of weeks read as values, an import step's rows): each young collection they set off would move
    them on and walk the old heap again. Reference counting still frees what has no cycle; the
    caller collects what it knows it left behind (an import does, after each step). Nested uses
    leave the collector as the outermost found it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
