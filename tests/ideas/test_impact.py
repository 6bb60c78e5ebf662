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


# Newcombe RG (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17:873–890, Table II, method 10 (hybrid
# score, no continuity correction): every example, as (a/m − b/n) with the printed 95 % limits.
# The same figures are reproduced by the published-example tests of the R packages propint
# ((a), (b)) and ratesci ((d)).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),   # (a)
    ((9, 10, 3, 10), (0.1705, 0.8090)),     # (b)
    ((6, 7, 2, 7), (0.0582, 0.8062)),       # (c)
    ((5, 56, 0, 29), (-0.0381, 0.1926)),    # (d)
    ((0, 10, 0, 20), (-0.1611, 0.2775)),    # (e)
    ((0, 10, 0, 10), (-0.2775, 0.2775)),    # (f)
    ((10, 10, 0, 20), (0.6791, 1.0000)),    # (g)
    ((10, 10, 0, 10), (0.6075, 1.0000)),    # (h)
]


@pytest.mark.parametrize("counts, limits", NEWCOMBE_TABLE_II)
def test_newcombe_difference_matches_newcombe_1998_table_ii(counts, limits):
    a, m, b, n = counts
    # newcombe_difference(before, after) gives after − before: the table's a/m is "after".
    diff, low, high = impact.newcombe_difference(b, n, a, m)
    assert diff == pytest.approx(a / m - b / n)
    assert (round(low, 4), round(high, 4)) == limits


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


@pytest.mark.parametrize("before, after, weeks, words", [
    ([5] * 20 + [2] * 20, [5] * 36 + [2] * 4, None, "Customers noticed: CSAT rose by 40 points in the 8 weeks after"),
    ([5] * 20 + [2] * 20, [5] * 36 + [2] * 4, 3, "Customers noticed: CSAT rose by 40 points since"),
    ([5] * 20 + [2] * 20, [5] * 21 + [2] * 19, None, "Too early to tell whether customers noticed"),
    ([5] * 9, [5] * 40, None, "Too early to tell whether customers noticed"),
    ([5] * 36 + [2] * 4, [5] * 20 + [2] * 20, None, "CSAT was 40 points lower in the 8 weeks after"),
    ([5] * 36 + [2] * 4, [5] * 20 + [2] * 20, 2, "Too early to tell whether customers noticed: the 8 weeks after are not over yet"),
])
def test_you_said_we_did_never_headlines_no_clear_change(before, after, weeks, words):
    result = impact.compare("csat", before, after)
    result.weeks_so_far = weeks
    assert result.celebration == words
    assert "no clear change" not in result.celebration.lower()
