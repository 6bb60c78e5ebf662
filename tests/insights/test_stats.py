"""The statistics on generated data with known links, checked against scipy computed independently."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from engagement.insights import stats


def _fisher(r, n, spearman=False):
    """(docs/interface.md, "Correlation figures"): variance 1/(n−3) for Pearson, Bonett–Wright's
    (1 + r²/2)/(n−3) for Spearman."""
    z, half = math.atanh(r), 1.96 * math.sqrt((1 + r * r / 2 if spearman else 1) / (n - 3))
    return math.tanh(z - half), math.tanh(z + half)


def test_spearman_interval_uses_the_bonett_wright_variance_worked_by_hand():
    # r = 0.5, n = 28: atanh r = 0.549306; Pearson half-width 1.96·√(1/25) = 0.392000,
    # Spearman 1.96·√(1.125/25) = 0.415779.
    assert stats.fisher_interval(0.5, 28) == pytest.approx((0.156021, 0.735822), abs=1e-6)
    assert stats.fisher_interval(0.5, 28, spearman=True) == pytest.approx((0.132739, 0.746536), abs=1e-6)
    # Within-team figures put the effective n (here 22 points of 4 teams: 19) into the same formula.
    assert stats.fisher_interval(-0.8, 22 - 4 + 1, spearman=True) == pytest.approx((-0.930430, -0.489684), abs=1e-6)


def _linked(rng, n, rho):
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho * rho) * rng.normal(size=n)
    return 60 + 10 * x, 80 + 8 * y


def test_pooled_coefficients_intervals_and_p_equal_scipy_on_the_same_points():
    rng = np.random.default_rng(7)
    x, y = _linked(rng, 60, 0.5)
    teams = [i % 6 for i in range(60)]
    result = stats.pooled(x, y, teams)
    pearson, spearman = sps.pearsonr(x, y), sps.spearmanr(x, y)
    assert result.n == 60 and result.teams == 6
    assert result.pearson.r == pytest.approx(pearson.statistic, abs=1e-12)
    assert result.pearson.p == pytest.approx(pearson.pvalue, rel=1e-9)
    assert (result.pearson.ci_low, result.pearson.ci_high) == pytest.approx(_fisher(pearson.statistic, 60), abs=1e-12)
    assert result.spearman.r == pytest.approx(spearman.statistic, abs=1e-12)
    assert result.spearman.p == pytest.approx(spearman.pvalue, rel=1e-9)
    assert (result.spearman.ci_low, result.spearman.ci_high) == pytest.approx(_fisher(spearman.statistic, 60, spearman=True), abs=1e-12)
    assert 0.3 < pearson.statistic < 0.7  # the planted link is found


def test_within_team_uses_centred_values_and_effective_n():
    rng = np.random.default_rng(3)
    teams = np.repeat(np.arange(8), 6)
    x, y = _linked(rng, 48, 0.6)
    x = x + teams * 5.0  # team levels differ; the within-team link is unchanged
    result = stats.within(x, y, teams)
    cx = x - np.array([x[teams == t].mean() for t in teams])
    cy = y - np.array([y[teams == t].mean() for t in teams])
    r = np.corrcoef(cx, cy)[0, 1]
    n_eff = 48 - 8 + 1
    t = r * math.sqrt((n_eff - 2) / (1 - r * r))
    assert result.n == 48 and result.teams == 8 and result.effective_n == n_eff
    assert result.pearson.r == pytest.approx(r, abs=1e-12)
    assert result.pearson.p == pytest.approx(2 * sps.t.sf(abs(t), n_eff - 2), rel=1e-9)
    assert (result.pearson.ci_low, result.pearson.ci_high) == pytest.approx(_fisher(r, n_eff), abs=1e-12)
    rs = sps.spearmanr(cx, cy).statistic
    assert result.spearman.r == pytest.approx(rs, abs=1e-12)
    assert (result.spearman.ci_low, result.spearman.ci_high) == pytest.approx(_fisher(rs, n_eff, spearman=True), abs=1e-12)


def test_within_team_recovers_a_link_the_pooled_figure_hides():
    # Simpson: teams with higher engagement have lower CSAT, yet within every team they rise together.
    rng = np.random.default_rng(11)
    xs, ys, teams = [], [], []
    for team in range(10):
        level = rng.normal()
        for _ in range(8):
            e = rng.normal()
            xs.append(50 + 10 * level + 3 * e)
            ys.append(80 - 10 * level + 3 * e + rng.normal(scale=0.8))
            teams.append(team)
    pooled = stats.pooled(xs, ys, teams)
    within = stats.within(xs, ys, teams)
    assert pooled.pearson.ci_high < 0  # across teams: a negative link
    assert within.pearson.ci_low > 0.5 and within.spearman.ci_low > 0.5  # within teams: clearly positive


def test_pooled_finds_a_link_between_teams_that_within_teams_does_not():
    rng = np.random.default_rng(5)
    xs, ys, teams = [], [], []
    for team in range(12):
        level = rng.normal()
        for _ in range(6):
            xs.append(50 + 10 * level + rng.normal())
            ys.append(70 + 10 * level + rng.normal())  # noise independent of engagement noise
            teams.append(team)
    pooled = stats.pooled(xs, ys, teams)
    within = stats.within(xs, ys, teams)
    assert pooled.pearson.ci_low > 0.8
    assert within.pearson.ci_low < 0 < within.pearson.ci_high
    assert "No clear link" in stats.verdict(within.pearson, "engagement", "CSAT")


def test_weighted_pearson_matches_a_direct_computation_and_uses_kish_n():
    rng = np.random.default_rng(9)
    x, y = _linked(rng, 30, 0.4)
    w = rng.integers(5, 60, size=30).astype(float)
    result = stats.pooled(x, y, [i % 5 for i in range(30)], weights=w)
    cov = np.cov(x, y, aweights=w)
    r = cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    assert result.pearson.r == pytest.approx(r, abs=1e-12)
    assert result.effective_n == pytest.approx(n_eff)
    assert (result.pearson.ci_low, result.pearson.ci_high) == pytest.approx(_fisher(r, n_eff), abs=1e-12)
    ranks = np.cov(sps.rankdata(x), sps.rankdata(y), aweights=w)
    rs = ranks[0, 1] / math.sqrt(ranks[0, 0] * ranks[1, 1])
    assert result.spearman.r == pytest.approx(rs, abs=1e-12)
    assert (result.spearman.ci_low, result.spearman.ci_high) == pytest.approx(_fisher(rs, n_eff, spearman=True), abs=1e-12)
    # Equal weights give back the unweighted figures.
    same = stats.pooled(x, y, [i % 5 for i in range(30)], weights=np.full(30, 7.0))
    assert same.pearson.r == pytest.approx(sps.pearsonr(x, y).statistic, abs=1e-12)


@pytest.mark.parametrize("x, y, teams, words", [
    ([60, 70, 80], [1, 2, 3], [1, 2, 1], "at least 2 teams and 4 team-periods"),
    ([60, 70, 80, 90, 65], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1], "there is 1 team"),
    ([70, 70, 70, 70, 70], [1, 2, 3, 4, 5], [1, 2, 1, 2, 1], "engagement is the same"),
    ([60, 70, 80, 90, 65], [4, 4, 4, 4, 4], [1, 2, 1, 2, 1], "customer score is the same"),
])
def test_figures_that_cannot_be_computed_are_null_with_a_reason_never_nan(x, y, teams, words):
    result = stats.pooled(x, y, teams)
    for coef in (result.pearson, result.spearman):
        assert coef.as_dict()["r"] is None and coef.ci_low is None and coef.ci_high is None and coef.p is None
        assert words in coef.reason
        assert "Not enough data" in stats.verdict(coef, "engagement", "CSAT")


def test_within_needs_two_teams_with_two_points_each():
    result = stats.within([60, 70, 80, 90, 50], [1, 2, 3, 4, 2], [1, 1, 1, 1, 2])
    assert result.teams == 1 and result.n == 4  # the one-point team dropped out
    assert result.pearson.r is None and "2 teams" in result.pearson.reason


def test_verdict_never_claims_more_than_the_interval():
    assert "No clear link" in stats.verdict(stats.Coefficient(0.45, -0.05, 0.75, 0.07), "engagement", "CSAT")
    strong_estimate = stats.verdict(stats.Coefficient(0.62, 0.12, 0.86, 0.01), "higher engagement", "CSAT")
    assert "higher CSAT" in strong_estimate and "at least weak" in strong_estimate and "strong" not in strong_estimate
    negative = stats.verdict(stats.Coefficient(-0.7, -0.85, -0.45, 0.001), "higher engagement", "NPS")
    assert "lower NPS" in negative and "at least moderate" in negative


def test_power_warning_names_the_teams_needed_for_a_moderate_link():
    z = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) / math.atanh(0.3)
    assert stats.teams_needed() == math.ceil(z * z + 3) == 85
    assert "85 teams" in stats.power_warning(12)
    assert stats.power_warning(90) is None


def test_benjamini_hochberg_matches_scipy_and_skips_missing_p_values():
    ps = [0.001, None, 0.02, 0.04, 0.3]
    adjusted = stats.benjamini_hochberg(ps)
    expected = sps.false_discovery_control([0.001, 0.02, 0.04, 0.3])
    assert adjusted[1] is None
    assert [adjusted[i] for i in (0, 2, 3, 4)] == pytest.approx(list(expected))


def test_shapley_shares_add_up_to_r2_and_equal_r_squared_for_uncorrelated_drivers():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 3))
    X = np.linalg.qr(X - X.mean(axis=0))[0] * 20  # exactly uncorrelated columns
    y = X @ [3.0, 1.0, 0.0] + rng.normal(size=400) * 20
    r2, shares = stats.shapley_r2(X, y)
    full = np.linalg.lstsq(np.column_stack([np.ones(400), X]), y, rcond=None)
    residual = y - np.column_stack([np.ones(400), X]) @ full[0]
    assert r2 == pytest.approx(1 - residual.var() / y.var(), abs=1e-9)
    assert shares.sum() == pytest.approx(r2, abs=1e-12)
    for j in range(3):
        assert shares[j] == pytest.approx(np.corrcoef(X[:, j], y)[0, 1] ** 2, abs=1e-9)


def test_shapley_splits_credit_between_two_copies_of_a_driver():
    rng = np.random.default_rng(4)
    a = rng.normal(size=200)
    X = np.column_stack([a, a + rng.normal(scale=0.01, size=200), rng.normal(size=200)])
    y = a + rng.normal(scale=0.5, size=200)
    r2, shares = stats.shapley_r2(X, y)
    assert shares[0] == pytest.approx(shares[1], rel=0.05)
    assert shares[0] + shares[1] == pytest.approx(r2, abs=0.01)
    assert shares[2] < 0.02


def _swiss():
    lines = (Path(__file__).parent / "data" / "swiss.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    header, body = rows[0], rows[1:]
    return header[1:], np.array([[float(v) for v in row[1:]] for row in body])


def test_shapley_shares_equal_relaimpo_lmg_on_the_swiss_example():
    # The swiss example of Grömping U (2006), "Relative importance for linear regression in R: the
    # package relaimpo", J. Stat. Softw. 17(1): calc.relimp(swiss, type = "lmg"), Fertility on the
    # five other columns, 47 provinces. R² 70.67 % and the lmg shares as printed in the package's
    # vignette by the same author (relaimpo_vignette.pdf, "The example data analysed").
    names, data = _swiss()
    assert data.shape == (47, 6) and names[0] == "Fertility"
    r2, shares = stats.shapley_r2(data[:, 1:], data[:, 0])
    published = {"Agriculture": 0.05709122, "Examination": 0.17117303, "Education": 0.26013468,
                 "Catholic": 0.10557015, "Infant.Mortality": 0.11276592}
    assert round(100 * r2, 2) == 70.67
    assert {name: round(float(share), 8) for name, share in zip(names[1:], shares)} == published


@pytest.mark.parametrize("values", [
    [], [3.0], [2.0, 2.0], [1.0, 5.0, 5.0, 2.0, 5.0, 1.0],
    list(np.round(np.random.default_rng(3).uniform(0, 100, 5000), 1)),  # many ties, as panel scores have
    list(np.random.default_rng(4).normal(size=5000)),
    [1.0, float("nan"), 2.0],
])
def test_midranks_are_scipys_average_ranks_exactly(values):
    values = np.array(values, float)
    assert np.array_equal(stats.midranks(values), sps.rankdata(values), equal_nan=True)
