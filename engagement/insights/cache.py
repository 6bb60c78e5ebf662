"""Insights answers kept per process, checked against the panel before every use.

The insights page (seven lags, three customer scores, within-team figures and the drivers' shares
over a year of weeks: 16,000 team-periods for 400 teams) and the correlation API (two years: 40,000)
read the panel and compute dozens of correlations, yet their answer only changes when the panel's
rows in range or the teams change. Each process keeps its last few answers with a fingerprint of
what they were computed from, and reads the fingerprint again before each use — two statements: an
aggregate over the panel rows in range, and the teams (400 short rows) — computing afresh when it
differs. A page and the chart data its script fetches next are computed once.

The panel's fingerprint: the number of rows in range and their largest id (a rebuild replaces every
row), the sums of every counter (customer counts and stories only grow between rebuilds, so any new
feedback item or story in range moves them), of group sizes and closed cycles, of engagement and
eNPS (what a closing cycle or imported history changes), and the latest `updated_at` (every writer
sets it). It is read before the rows an answer is computed from, so a kept answer is never older
than its fingerprint says (PostgreSQL gives each statement its own snapshot: a change committed in
between makes the next use compute again, never the reverse). The teams' fingerprint is their ids,
slugs, names and parents, which the answers show.

Feedback arrives all day, so at a busy company the fingerprint moves between most visits, and a
year of weeks takes about 0.2 s of CPU to compute (full size), against 0.03 s for a kept answer. Within `INSIGHTS_MAX_STALE_SECONDS`
(default 600) of its computation, an answer whose data moved is still shown while one background
thread per answer computes the new one, which the next visit gets: figures over a year of weeks do
not change meaningfully in minutes. Older than that, the request computes before it answers. The
answer says when it was computed (`computed_at`).
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import date
from typing import Callable, TypeVar

import sqlalchemy as sa
from flask import current_app

from engagement.insights.models import TeamPeriod
from engagement.pulses import anonymity
from flashpoint import background
from flashpoint.extensions import db
from flashpoint.people.models import Team

T = TypeVar("T")
# A few answers per process: the page, its chart data and the API for a handful of queries. An
# answer of the page is a few MB at full size (its points as chart columns).
LIMIT = 6
_lock = threading.Lock()

_SUMMED = ("csat_n", "csat_good", "nps_n", "nps_promoters", "nps_detractors", "ces_n", "ces_sum",
             "stories_proactive", "stories_recovery", "group_size", "pulse_cycles")


def panel_fingerprint(grain: str, first: date, last: date) -> tuple:
    """What the panel holds for `grain` between the period starts `first` and `last`, in one statement."""
    c = TeamPeriod.__table__.c
    row = db.session.connection().execute(
        sa.select(sa.func.count(), sa.func.max(c.id), *[sa.func.sum(c[name]) for name in _SUMMED],
                  sa.func.sum(c.engagement), sa.func.sum(c.enps), sa.func.max(c.updated_at))
        .where(c.grain == grain, c.period_start >= first, c.period_start <= last)).one()
    return tuple(row)


def teams_fingerprint() -> int:
    rows = db.session.connection().execute(
        sa.select(Team.__table__.c.id, Team.__table__.c.slug, Team.__table__.c.name, Team.__table__.c.parent_id)
        .order_by(Team.__table__.c.id)).all()
    return hash(tuple(tuple(row) for row in rows))


def _version(grain: str, first: date, last: date) -> tuple:
    return panel_fingerprint(grain, first, last), teams_fingerprint(), anonymity.min_group_size()


def kept(key: tuple, grain: str, first: date, last: date, compute: Callable[[], T]) -> T:
    """compute()'s answer for `key` (which must name everything the answer depends on besides the
    panel rows of `grain` from `first` to `last` and the teams), computed again when those changed:
    in the background while the kept answer is younger than INSIGHTS_MAX_STALE_SECONDS, else now."""
    version = _version(grain, first, last)
    app = current_app._get_current_object()
    store: OrderedDict = app.extensions.setdefault("insights.cache", OrderedDict())
    max_stale = app.config.get("INSIGHTS_MAX_STALE_SECONDS", 0)
    with _lock:
        found = store.get(key)
        if found is not None and found[0] == version:
            store.move_to_end(key)
            return found[1]
        if found is not None and time.monotonic() - found[2] < max_stale:
            # one thread per answer at a time (flashpoint/background.py)
            background.refresh_in_background(app, ("insights", *key),
                                             lambda: _refresh(app, key, grain, first, last, compute), "insights")
            return found[1]
    value = compute()
    _keep(store, key, version, value)
    return value


def _keep(store: OrderedDict, key: tuple, version: tuple, value) -> None:
    with _lock:
        store[key] = (version, value, time.monotonic())
        store.move_to_end(key)
        while len(store) > LIMIT:
            store.popitem(last=False)


def _refresh(app, key: tuple, grain: str, first: date, last: date, compute: Callable[[], T]) -> None:
    """The background computation of a new answer (in its own app context and database session, see
    flashpoint/background.py, which logs a failure); the fingerprint is read before the rows, as in
    `kept`."""
    version = _version(grain, first, last)
    _keep(app.extensions.setdefault("insights.cache", OrderedDict()), key, version, compute())


def wait_for_refreshes(timeout: float = 30.0) -> None:
    """Until the background computations under way have finished (tests, and the benchmark)."""
    background.wait_for_refreshes(timeout)


def clear() -> None:
    """Forget every kept answer of this app (tests measuring the first request)."""
    with _lock:
        current_app.extensions.get("insights.cache", {}).clear()
