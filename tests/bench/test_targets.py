"""bench/targets.py's verdicts: each target read from the figures the benchmarks write, met or by how much."""
from __future__ import annotations

import pytest

from tests.bench import scripts


@pytest.fixture(scope="module")
def targets():
    return scripts.load("targets")


def page(name, role, p95, kb=10.0, target="p95 < 100 ms"):
    return {"page": name, "role": role, "p95_ms": p95, "cpu_ms": p95 / 2, "kb": kb, "target": target}


def by_what(rows):
    return {row["what"]: row for row in rows}


def test_each_target_is_judged_from_the_figures(targets):
    figures = {
        "pages": {"pages": [page("/heroes", "hr", 150.0), page("/praise", "hr", 20.0),
                            page("/insights weekly", "hr", 50.0, kb=600.0, target="p95 < 300 ms, < 500 KB"),
                            {"page": "/ideas", "role": "hr", "p95_ms": 5.0, "cpu_ms": 2.0, "kb": 3.0, "target": ""}],
                  "memory": {"max_mb": 310.0}, "intake": {"rate_ratio": 0.2}},
        "intake": {"runs": {"this checkout": {"ratio": 0.45, "ratios": [0.4, 0.5], "cpu_ratios": [0.3, 0.4]}}},
        "import": {"runs": {"this checkout": [{"rows": 20000, "baseline": "COPY", "ratio": 0.1, "cpu_ratio": 0.05,
                                               "peak_mb": 240}]}},
        "rebuild": {"ratios": [{"wall": 2.5, "cpu": 3.0}, {"wall": 1.9, "cpu": 2.1}], "peak_mb": 400.0},
        "slack": {"ack": {"p99_ms": 20.0, "commands": 300},
                  "fanout": {"on_slack": 3604, "speed": 1, "ratio": 1.003, "lost": 0, "duplicates": 1, "peak_mb": 215}},
        "compare": {"compare": {"ratio": 0.92, "healthz_ratio": 0.68}},
    }
    rows = by_what(targets.table(figures))
    assert "/ideas (hr)" not in rows  # no target, no verdict
    assert (rows["/heroes (hr)"]["met"], rows["/heroes (hr)"]["how_far"]) == (False, "1.50× the limit")
    assert rows["/praise (hr)"]["met"] is True
    assert (rows["/insights weekly (hr)"]["met"], rows["/insights weekly (hr)"]["how_far"]) == (False, "size 1.20× the limit")
    assert rows["gunicorn worker peak RSS"]["met"] is False
    # The intake's rounds take precedence over the pages' single run.
    assert (rows["POST /api/v1/feedback ÷ /healthz, rate"]["met"],
            rows["POST /api/v1/feedback ÷ /healthz, rate"]["how_far"]) == (False, "75% of the target")
    assert rows["import-feedback ÷ plain COPY, 20,000 rows"]["how_far"] == "25% of the target"
    assert rows["rebuild-insights ÷ one aggregate pass"]["met"] is True  # the better of the rounds
    assert rows["Slack /hero acknowledgement"]["met"] is True
    assert rows["pulse fan-out to 3,604 on Slack (Slack's pace)"]["met"] is True
    assert rows["pulse fan-out: lost / duplicates"]["met"] is False
    assert rows["pages/s, gunicorn -w 4 ÷ -w 2"]["met"] is False


def test_a_fan_out_faster_than_slack_is_only_indicative(targets):
    rows = by_what(targets.table({"slack": {"fanout": {"on_slack": 68, "speed": 5, "ratio": 1.2, "lost": 0,
                                                        "duplicates": 0, "peak_mb": 200}}}))
    assert rows["pulse fan-out to 68 on Slack (limits ×5)"]["met"] is None


def test_steps_and_their_order(targets):
    sqlite = targets.parse_args(["--scale", "1", "--database-url", "sqlite:///org.db"])
    assert sqlite.steps == ["slack", "pages", "intake", "import", "rebuild"]  # no -w 4 ÷ -w 2 on SQLite
    pg = targets.parse_args(["--scale", "1", "--database-url", "postgresql://x/org", "--skip", "slack"])
    assert pg.steps == ["pages", "compare", "intake", "import", "rebuild"] and pg.full
    assert not targets.parse_args(["--database-url", "sqlite:///org.db"]).full
    with pytest.raises(SystemExit):
        targets.parse_args(["--only", "pagez"])
