"""The per-area benchmarks (`make bench-areas`) still run: each at a tiny size, in its own process.

They are not tests of speed (benchmarks are not tests); they are code that calls the app's
internals, and a change to those left bench/feedback.py failing unnoticed once."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = {
    "feedback.py": ["--rows", "600", "--sample", "60", "--people", "60"],
    "ideas.py": ["--ideas", "120", "--people", "150", "--teams", "10", "--votes", "400"],
    "insights.py": ["--teams", "4", "--months", "14", "--items", "8", "--repeat", "1"],
    "notifications.py": ["--people", "220", "--per-person", "5", "--grouped", "12"],  # it samples 200 people
    "people.py": ["--rows", "120", "--sample", "20"],
    "pulses.py": ["--people", "120", "--teams", "10", "--weeks", "4"],
    "stories.py": ["--people", "120", "--teams", "12", "--feedback", "60"],
}
# The organisation-scale ones have their own tests (tests/bench/test_org.py, test_targets.py) or
# need a server and minutes (pages, intake, rebuild, slack: `make bench`).
AT_SCALE = {"org.py", "targets.py", "pages.py", "intake.py", "rebuild.py", "slack.py"}

pytestmark = pytest.mark.slow


def test_every_area_script_is_listed():
    scripts = {p.name for p in (ROOT / "bench").glob("[!_]*.py")}
    assert scripts - AT_SCALE == set(TINY)


@pytest.mark.parametrize("script", sorted(TINY))
def test_an_area_script_runs(script, tmp_path):
    env = {**os.environ, "FLASHPOINT_INSTANCE": str(tmp_path), "FLASHPOINT_SCHEDULER": "off"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *TINY[script]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # Every script prints its figures against a baseline: "ratio 2.1x", "(2.9x faster)".
    assert re.search(r"ratio|\d(\.\d+)?x\b", done.stdout), done.stdout[-1000:]
