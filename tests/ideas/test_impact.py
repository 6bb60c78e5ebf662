"""The before/after statistics, checked against values worked out by hand and published examples."""
import math

import pytest

from engagement.ideas import impact


def test_metric_values_follow_the_interface_definitions():
    assert impact.metric_value("csat", [5, 4, 3, 2, 1]) == pytest.approx(40.0)
    assert impact.metric_value("nps", [10, 9, 8, 7, 6, 0]) == pytest.approx(0.0)
    assert impact.metric_value("nps", [10, 10, 10, 0]) == pytest.approx(50.0)
    assert impact.metric_value("ces", [7, 6, 5]) == pytest.approx(6.0)
    assert impact.metric_value("csat", []) is None


def test_wilson_interval_matches_the_textbook_value():
    low, high = impact.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_newcombe_difference_matches_newcombe_1998_example():
    # Newcombe (1998), Statistics in Medicine 17:873, table II example (56/70 vs 48/80): 0.0524 to 0.3339.
    diff, low, high = impact.newcombe_difference(48, 80, 56, 70)
    assert diff == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=1e-4)
    assert high == pytest.approx(0.3339, abs=1e-4)


def test_welch_interval_matches_hand_computation():
    # means 3 and 5, variances 2.5 and 2.5, n 5 and 5: se = 1, df = 8, t(0.975, 8) = 2.306004
    diff, low, high = impact.welch_difference([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])
    assert diff == pytest.approx(2.0)
    assert low == pytest.approx(2 - 2.306004, abs=1e-5)
    assert high == pytest.approx(2 + 2.306004, abs=1e-5)


def test_nps_interval_uses_the_variance_of_the_nps_estimator():
    before = [10] * 5 + [8] * 3 + [3] * 2      # NPS 30, variance (0.5+0.2-0.09)/10 = 0.061
    after = [10] * 7 + [8] * 2 + [3] * 1       # NPS 60, variance (0.7+0.1-0.36)/10 = 0.044
    diff, low, high = impact.nps_difference(before, after)
    half = 1.959964 * math.sqrt(0.061 + 0.044) * 100
    assert diff == pytest.approx(30.0)
    assert low == pytest.approx(30.0 - half, abs=1e-3)
    assert high == pytest.approx(30.0 + half, abs=1e-3)


def test_too_little_feedback_is_said_plainly_and_no_interval_is_given():
    result = impact.compare("csat", [5] * 9, [5] * 40)
    assert not result.enough
    assert result.difference is None and result.ci_low is None
    assert result.verdict.startswith("Too little feedback to tell")
    assert result.summary == "CSAT: too little feedback to tell"
    assert result.before.n == 9 and result.after.n == 40


def test_a_clear_rise_in_csat_is_called_a_rise_after_not_a_cause():
    result = impact.compare("csat", [5] * 20 + [2] * 20, [5] * 36 + [2] * 4)
    assert result.enough
    assert result.before.value == pytest.approx(50.0) and result.after.value == pytest.approx(90.0)
    assert result.difference == pytest.approx(40.0)
    assert result.ci_low > 0
    assert "higher" in result.verdict and "not proof" in result.verdict
    assert result.summary == "CSAT +40.0 points in the 8 weeks after: a clear rise"


def test_no_clear_change_when_the_interval_includes_zero():
    result = impact.compare("ces", [5, 6, 4, 5, 6, 5, 4, 6, 5, 5], [5, 6, 5, 5, 6, 4, 5, 6, 5, 6])
    assert result.enough
    assert result.ci_low < 0 < result.ci_high
    assert result.verdict.startswith("No clear change")


def test_identical_ces_ratings_give_a_zero_width_interval_not_an_error():
    result = impact.compare("ces", [5] * 12, [5] * 12)
    assert result.difference == 0 and result.ci_low == 0 and result.ci_high == 0
