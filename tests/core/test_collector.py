"""The cycle collector's settings: long-lived processes are settled, bulk work pauses it."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from flashpoint import collector

ROOT = Path(__file__).resolve().parents[2]


def test_a_process_that_loads_wsgi_freezes_the_app_and_collects_less_often(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "FLASHPOINT_INSTANCE": str(tmp_path),
           "FLASHPOINT_SCHEDULER": "off"}
    out = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(gc.get_threshold(), gc.get_freeze_count())"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split(")")
    assert out[0] + ")" == str(collector.THRESHOLDS)
    assert int(out[1]) > 10_000  # the app, its modules and their objects are out of the collector's sight


def test_test_apps_are_not_settled():
    # A test session builds many apps and must be able to collect them.
    assert gc.get_threshold() != collector.THRESHOLDS


def test_paused_restores_the_collector_as_it_found_it_even_nested_and_on_error():
    assert gc.isenabled()
    try:
        with collector.paused():
            assert not gc.isenabled()
            with collector.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer pause still holds
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
