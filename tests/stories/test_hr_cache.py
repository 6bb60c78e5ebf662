"""HR's organisation-wide figures kept per process (recognition/hr_cache.py): older than TTL, the kept
value is served while one background thread per key computes its successor; older than
HR_CACHE_MAX_STALE_SECONDS, or when nothing is kept, the request computes."""
from __future__ import annotations

import logging
import threading
import time

import pytest

from flashpoint import background
from flashpoint.extensions import db
from flashpoint.people.models import User
from recognition import hr_cache
from recognition.hr_cache import hr_cached
from tests.factories import make_user

KEY = ("test_people",)


@pytest.fixture
def stale_allowed(app):
    app.config["HR_CACHE_MAX_STALE_SECONDS"] = 600
    yield
    background.wait_for_refreshes()


def _age(app, key: tuple, seconds: float) -> None:
    """Make the kept value of `key` as old as `seconds`."""
    store = app.extensions["recognition.hr_cache"]
    store[key] = (time.monotonic() - seconds, store[key][1])


def _people() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


@pytest.mark.both_databases
def test_a_stale_value_is_served_and_replaced_after_the_refresh(db_backend, app, stale_allowed):
    make_user("staff")
    db.session.commit()
    computed_in = []

    def compute():
        computed_in.append(threading.current_thread())
        return _people()

    first = hr_cached(KEY, compute)
    assert computed_in == [threading.current_thread()]  # nothing kept: computed in the request
    make_user("staff")
    db.session.commit()
    assert hr_cached(KEY, compute) == first  # younger than TTL: kept, nothing computed
    assert len(computed_in) == 1

    _age(app, KEY, hr_cache.TTL + 1)
    assert hr_cached(KEY, compute) == first  # the stale value, at once
    hr_cache.wait_for_refreshes()
    assert len(computed_in) == 2 and computed_in[1] is not threading.current_thread()
    assert hr_cached(KEY, compute) == first + 1  # the successor, read in the thread's own session
    assert len(computed_in) == 2


def test_only_one_refresh_per_key_at_a_time(app, stale_allowed):
    release = threading.Event()
    started = []

    def slow(value):
        def compute():
            started.append(value)
            assert release.wait(10)
            return value
        return compute

    hr_cached(KEY, lambda: "old")
    hr_cached(("other",), lambda: "other old")
    _age(app, KEY, hr_cache.TTL + 1)
    _age(app, ("other",), hr_cache.TTL + 1)
    try:
        for n in range(3):
            assert hr_cached(KEY, slow(f"new {n}")) == "old"
        assert hr_cached(("other",), slow("other new")) == "other old"  # another key, its own thread
        deadline = time.monotonic() + 10
        while len(started) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(started) == ["new 0", "other new"]
        assert background.refreshing(("recognition.hr_cache", KEY))
    finally:
        release.set()
    hr_cache.wait_for_refreshes()
    assert not background.refreshing(("recognition.hr_cache", KEY))
    assert hr_cached(KEY, slow("unused")) == "new 0"
    assert hr_cached(("other",), slow("unused")) == "other new"
    assert sorted(started) == ["new 0", "other new"]


def test_a_failing_refresh_keeps_the_old_value(app, stale_allowed, caplog):
    def fails():
        raise RuntimeError("the database went away")

    hr_cached(KEY, lambda: 7)
    _age(app, KEY, hr_cache.TTL + 1)
    with caplog.at_level(logging.ERROR):
        assert hr_cached(KEY, fails) == 7
        hr_cache.wait_for_refreshes()
    assert "computing hr-cache in the background failed" in caplog.text
    assert "the database went away" in caplog.text
    assert not background.refreshing(("recognition.hr_cache", KEY))
    assert hr_cached(KEY, fails) == 7  # still kept (and tried again in the background)
    hr_cache.wait_for_refreshes()
    assert hr_cached(KEY, lambda: 8) == 7


def test_beyond_the_hard_limit_the_request_computes(app, stale_allowed):
    hr_cached(KEY, lambda: "old")
    _age(app, KEY, 600 + 1)
    computed_in = []

    def compute():
        computed_in.append(threading.current_thread())
        return "new"

    assert hr_cached(KEY, compute) == "new"
    assert computed_in == [threading.current_thread()]
    assert not background.refreshing(("recognition.hr_cache", KEY))
    assert hr_cached(KEY, lambda: "newer") == "new"  # kept again


def test_with_no_stale_allowance_the_request_computes_past_ttl(app):
    """Tests' setting (HR_CACHE_MAX_STALE_SECONDS = 0): the cache behaves as a plain TTL cache."""
    assert app.config["HR_CACHE_MAX_STALE_SECONDS"] == 0
    hr_cached(KEY, lambda: "old")
    _age(app, KEY, hr_cache.TTL + 1)
    assert hr_cached(KEY, lambda: "new") == "new"
    assert not background.refreshing(("recognition.hr_cache", KEY))
