"""Correlation statistics for insights: pooled and within-group r with Fisher-z intervals, driver
importance, multiple-testing adjustment and plain-language verdicts. Pure functions of numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy import stats as sps

Z95 = 1.96  # as (docs/interface.md, "Correlation figures") defines the interval (norm.ppf(0.975) = 1.95996…)
MODERATE_R = 0.3
MIN_POOLED_TEAMS, MIN_POOLED_POINTS = 2, 4
MIN_WITHIN_GROUPS, MIN_WITHIN_POINTS_PER_GROUP = 2, 2


@dataclass
class Coefficient:
    """One correlation coefficient with its interval and p-value, or None and the reason why."""

    r: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    reason: str | None = None

    @property
    def computed(self) -> bool:
        return self.r is not None

    def as_dict(self) -> dict:
        data = {"r": self.r, "ci_low": self.ci_low, "ci_high": self.ci_high, "p": self.p}
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass
class Correlation:
    """Pearson and Spearman on the same points, with how many points and groups they rest on."""

    n: int
    teams: int
    pearson: Coefficient
    spearman: Coefficient
    # The sample size the p-values and intervals use (n, n - groups + 1, or Kish's n when weighted).
    effective_n: float | None = None
    extra: dict = field(default_factory=dict)

    def coefficient(self, method: str) -> Coefficient:
        return self.spearman if method == "spearman" else self.pearson

    def as_dict(self, groups_key: str = "teams") -> dict:
        return {"n": self.n, groups_key: self.teams, "pearson": self.pearson.as_dict(),
                "spearman": self.spearman.as_dict()}


def _null(reason: str) -> Coefficient:
    return Coefficient(reason=reason)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def fisher_interval(r: float, n_eff: float, spearman: bool = False) -> tuple[float, float]:
    """95 % Fisher-z interval tanh(atanh(r) ± 1.96·√(v/(n−3))). With n ≤ 3 it is the whole range (−1, 1).

    v = 1 for Pearson. For Spearman v is Bonett & Wright's (2000, Psychometrika 65:23–28)
    1 + r²/2: the Pearson variance is too narrow for rank correlations and under-covers at |ρ| ≥ 0.5.
    """
    if n_eff <= 3:
        return -1.0, 1.0
    with np.errstate(divide="ignore"):
        z = np.arctanh(np.clip(r, -1.0, 1.0))
    variance = 1.0 + r * r / 2.0 if spearman else 1.0
    half = Z95 * math.sqrt(variance / (n_eff - 3))
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def t_test_p(r: float, n_eff: float) -> float | None:
    """Two-sided p for r = 0 from t = r·√((n−2)/(1−r²)) on n−2 degrees of freedom."""
    df = n_eff - 2
    if df <= 0:
        return None
    if abs(r) >= 1.0:
        return 0.0
    t = r * math.sqrt(df / (1.0 - r * r))
    return float(2.0 * sps.t.sf(abs(t), df))


def _is_constant(values: np.ndarray) -> bool:
    scale = max(1.0, float(np.max(np.abs(values)))) if len(values) else 1.0
    return len(values) == 0 or float(np.ptp(values)) <= 1e-9 * scale


def weighted_pearson(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """Pearson r with each point counted w times (weighted means, covariance and variances)."""
    w = w / w.sum()
    dx, dy = x - np.sum(w * x), y - np.sum(w * y)
    return float(np.sum(w * dx * dy) / math.sqrt(np.sum(w * dx * dx) * np.sum(w * dy * dy)))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r, each variable centred on its mean first (as scipy does, for accuracy)."""
    dx, dy = x - x.mean(), y - y.mean()
    return float(np.dot(dx, dy) / math.sqrt(np.dot(dx, dx) * np.dot(dy, dy)))


def midranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, tied values sharing their mean rank: scipy's rankdata (method "average") with
    the same arithmetic, without its per-call overhead. Tied values get the same rank whatever
    order the sort leaves them in, so the sort need not be stable (the stable one costs 2-3 times
    as much on thousands of values). Any NaN makes every rank NaN, as rankdata does."""
    values = np.asarray(values, float)
    if np.isnan(values).any():
        return np.full(len(values), np.nan)
    sorter = np.argsort(values)
    ordered = values[sorter]
    new = np.empty(len(values), bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    dense = np.cumsum(new)
    count = np.append(np.flatnonzero(new), len(values))
    ranks = np.empty(len(values))
    ranks[sorter] = 0.5 * (count[dense] + count[dense - 1] + 1)
    return ranks


def kish_n(w: np.ndarray) -> float:
    """Kish's effective sample size (Σw)²/Σw²: unequal weights carry less information than n points."""
    return float(w.sum() ** 2 / np.sum(w * w))


def _coefficients(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None,
                  dof_spent: int) -> tuple[Coefficient, Coefficient, float]:
    """Pearson and Spearman for prepared (possibly centred) values.

    `dof_spent` is the number of group means already subtracted (0 pooled; groups − 1 within,
    which with the overall mean makes n − groups + 1). Weighted Spearman is the weighted Pearson
    correlation of the mid-ranks; weighted p-values and intervals use Kish's effective n.
    """
    n = len(x)
    n_eff = (kish_n(weights) if weights is not None else float(n)) - dof_spent
    with np.errstate(all="ignore"):
        # Pearson r straight from the centred values, Spearman as the Pearson r of the mid-ranks,
        # and both p-values from t on n − 2 (minus the means spent) degrees of freedom: what
        # scipy's pearsonr and spearmanr compute, without their per-call overhead, which dominated
        # pages computing dozens of correlations over thousands of points.
        if weights is None:
            pearson_r = _pearson(x, y)
            spearman_r = _pearson(midranks(x), midranks(y))
        else:
            pearson_r = weighted_pearson(x, y, weights)
            spearman_r = weighted_pearson(midranks(x), midranks(y), weights)
        pearson_p, spearman_p = t_test_p(pearson_r, n_eff), t_test_p(spearman_r, n_eff)
    out = []
    for r, p, spearman in ((pearson_r, pearson_p, False), (spearman_r, spearman_p, True)):
        r = _finite(r)
        if r is None:
            out.append(_null("the correlation is undefined for these values"))
            continue
        r = max(-1.0, min(1.0, r))
        low, high = fisher_interval(r, n_eff, spearman)
        out.append(Coefficient(r=r, ci_low=low, ci_high=high, p=_finite(p)))
    return out[0], out[1], n_eff


def _constant_reason(x: np.ndarray, y: np.ndarray, what: str) -> str | None:
    if _is_constant(x):
        return f"engagement is the same at every {what}, so a correlation is undefined"
    if _is_constant(y):
        return f"the customer score is the same at every {what}, so a correlation is undefined"
    return None


def pooled(x, y, teams, weights=None) -> Correlation:
    """Across all team-periods: needs at least 2 teams and 4 points."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = None if weights is None else np.asarray(weights, float)
    n, n_teams = len(x), len(np.unique(teams) if isinstance(teams, np.ndarray) else set(teams))
    if n_teams < MIN_POOLED_TEAMS or n < MIN_POOLED_POINTS:
        reason = (f"needs at least {MIN_POOLED_TEAMS} teams and {MIN_POOLED_POINTS} team-periods; "
                  f"there {'is' if n_teams == 1 else 'are'} {n_teams} team{'s' if n_teams != 1 else ''} "
                  f"and {n} team-period{'s' if n != 1 else ''}")
        return Correlation(n, n_teams, _null(reason), _null(reason))
    if w is not None and (np.any(w < 0) or w.sum() <= 0):
        return Correlation(n, n_teams, _null("weights must be positive"), _null("weights must be positive"))
    reason = _constant_reason(x, y, "team-period")
    if reason:
        return Correlation(n, n_teams, _null(reason), _null(reason))
    pearson, spearman, n_eff = _coefficients(x, y, w, 0)
    return Correlation(n, n_teams, pearson, spearman, effective_n=n_eff)


def within(x, y, groups, weights=None, group_word: str = "team") -> Correlation:
    """Each group's values centred on that group's mean over these points (groups with one point
    drop out); p-values and intervals use the effective n = n − groups + 1.

    Answers "when a team's engagement rises, does its customer score rise?" without the
    differences between teams (Simpson's paradox) deciding the answer.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = None if weights is None else np.asarray(weights, float)
    groups = np.asarray(list(groups) if not isinstance(groups, np.ndarray) else groups)
    if len(groups) == 0:
        n_groups, n = 0, 0
    else:
        # Groups in order of first appearance, each group's points in their order (as a loop
        # over the points would collect them), computed with array operations.
        _, first, inverse, sizes = np.unique(groups, return_index=True, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        rank = np.empty(len(first), dtype=np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        kept_group = sizes >= MIN_WITHIN_POINTS_PER_GROUP
        index = np.flatnonzero(kept_group[inverse])
        index = index[np.argsort(rank[inverse[index]], kind="stable")]
        n, n_groups = len(index), int(kept_group.sum())
    if n_groups < MIN_WITHIN_GROUPS:
        reason = (f"needs at least {MIN_WITHIN_GROUPS} {group_word}s with {MIN_WITHIN_POINTS_PER_GROUP} "
                  f"periods each; there {'is' if n_groups == 1 else 'are'} {n_groups}")
        return Correlation(n, n_groups, _null(reason), _null(reason))
    # Centre each group on its own mean: the points sorted group by group, each group's sums taken
    # over its slice at once (one array operation for hundreds of groups, not one per group).
    xs, ys = x[index], y[index]
    cw = None if w is None else w[index]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(inverse[index])) + 1))
    lengths = np.diff(np.append(starts, n))
    if cw is None:
        mx, my = np.add.reduceat(xs, starts) / lengths, np.add.reduceat(ys, starts) / lengths
    else:
        total = np.add.reduceat(cw, starts)
        mx, my = np.add.reduceat(cw * xs, starts) / total, np.add.reduceat(cw * ys, starts) / total
    cx, cy = xs - np.repeat(mx, lengths), ys - np.repeat(my, lengths)
    reason = _constant_reason(cx, cy, f"period within each {group_word}")
    if reason:
        return Correlation(n, n_groups, _null(reason), _null(reason))
    pearson, spearman, n_eff = _coefficients(cx, cy, cw, n_groups - 1)
    return Correlation(n, n_groups, pearson, spearman, effective_n=n_eff)


def teams_needed(r: float = MODERATE_R, power: float = 0.8, alpha: float = 0.05) -> int:
    """Independent units needed to detect r with the given power, two-sided (Fisher-z approximation:
    n = ((z₁₋α/₂ + z_power) / atanh r)² + 3). For r = 0.3, 80 %, α = 0.05 this is 85."""
    z = (sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)) / math.atanh(r)
    return int(math.ceil(z * z + 3))


def strength(r: float) -> str:
    """Cohen's conventional words for |r|."""
    r = abs(r)
    if r < 0.1:
        return "negligible"
    if r < 0.3:
        return "weak"
    if r < 0.5:
        return "moderate"
    return "strong"


def verdict(coef: Coefficient, subject: str, score_label: str) -> str:
    """A sentence that claims no more than the interval supports.

    An interval containing 0 is "no clear link"; otherwise the direction is stated and the strength
    is the one the bound nearest zero guarantees ("at least weak"), never the point estimate's.
    """
    if not coef.computed:
        return f"Not enough data to say: {coef.reason}."
    if coef.ci_low is None or coef.ci_high is None:
        return f"No clear link between {subject} and {score_label}: the interval cannot be computed."
    interval = f"95 % interval {coef.ci_low:.2f} to {coef.ci_high:.2f}"
    if coef.ci_low <= 0 <= coef.ci_high:
        return (f"No clear link between {subject} and {score_label} ({interval}): the data are consistent "
                "with no link at all, so nothing can be concluded either way.")
    direction = "higher" if coef.ci_low > 0 else "lower"
    near = coef.ci_low if coef.ci_low > 0 else coef.ci_high
    word = strength(near)
    qualifier = "possibly only a negligible one" if word == "negligible" else f"at least {word}"
    return (f"{subject[0].upper() + subject[1:]} goes with {direction} {score_label} ({interval}): the link is "
            f"{qualifier}. This is a correlation, not proof that one causes the other.")


def power_warning(n_teams: int) -> str | None:
    needed = teams_needed()
    if n_teams >= needed:
        return None
    return (f"Only {n_teams} team{'s' if n_teams != 1 else ''}: a moderate link (r = {MODERATE_R}) could easily go "
            f"unnoticed. Detecting one with 80 % power (two-sided, α = 0.05) takes about {needed} teams; "
            "until then, read “no clear link” as “not known yet”.")


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values (scipy.stats.false_discovery_control) for the tests run."""
    present = [i for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    if present:
        values = sps.false_discovery_control([p_values[i] for i in present], method="bh")
        for i, value in zip(present, np.atleast_1d(values)):
            adjusted[i] = float(value)
    return adjusted


def shapley_r2(X, y) -> tuple[float, np.ndarray]:
    """Relative importance of correlated predictors: the Shapley decomposition of R² (LMG).

    Each predictor's share is its R² gain averaged over every order in which the predictors could
    enter the regression (Lindeman, Merenda & Gold 1980; Grömping 2006, "Relative importance for
    linear regression in R: the package relaimpo", J. Stat. Softw. 17(1); equal to Budescu's 1993
    general dominance weights). The shares are non-negative and add up to the model's R²; for
    uncorrelated predictors each share is its squared correlation with the outcome. Exact over all
    2^p subsets (p ≤ 10 drivers: at most 1,024 small solves).
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    p = X.shape[1]
    corr = np.corrcoef(np.column_stack([X, y]), rowvar=False)
    corr_xx, corr_xy = corr[:p, :p], corr[:p, p]
    # R² of every subset, indexed by bitmask, solved in one batched call per subset size.
    # pinv keeps perfectly collinear drivers from breaking the decomposition.
    r2 = np.zeros(1 << p)
    for size in range(1, p + 1):
        subsets = np.array(list(combinations(range(p), size)))
        blocks = corr_xx[subsets[:, :, None], subsets[:, None, :]]
        r_s = corr_xy[subsets]
        r2[(1 << subsets).sum(axis=1)] = np.einsum("ki,kij,kj->k", r_s, np.linalg.pinv(blocks), r_s)
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    fact = math.factorial
    order_weight = np.array([fact(k) * fact(p - k - 1) / fact(p) for k in range(p)] + [0.0])
    shares = np.zeros(p)
    for j in range(p):
        without = masks[(masks & (1 << j)) == 0]
        shares[j] = float(np.sum(order_weight[sizes[without]] * (r2[without | (1 << j)] - r2[without])))
    return float(r2[-1]), shares
