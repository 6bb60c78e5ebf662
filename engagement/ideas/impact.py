"""Did an implemented idea help customers? Its team's customer metric in the 8 weeks before and
after, the difference with a 95% confidence interval, and plain words about what that shows.

Statistical choices (each side is an independent sample of feedback items):
- CSAT (% of 4–5 ratings): difference of two proportions with Newcombe's hybrid score interval
  (Newcombe 1998, method 10), built from Wilson intervals; it behaves well near 0% and 100%,
  where the Wald interval does not.
- NPS (% promoters − % detractors): each item scores +1, 0 or −1, so NPS/100 is a mean whose
  variance is (p₊ + p₋ − (p₊ − p₋)²)/n; the difference gets a normal (Wald) interval.
- CES (mean 1–7): Welch's t interval (unequal variances, Welch–Satterthwaite degrees of freedom),
  as `scipy.stats.ttest_ind(after, before, equal_var=False).confidence_interval()` gives it.
A before/after comparison is not proof of cause: the words say "after", never "because of".
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

from scipy import stats

WINDOW = timedelta(weeks=8)
MIN_ITEMS = 10
Z95 = stats.norm.ppf(0.975)

METRIC_LABELS = {"csat": "CSAT", "nps": "NPS", "ces": "Customer Effort Score"}
UNITS = {"csat": "points", "nps": "points", "ces": ""}


@dataclass
class Side:
    n: int
    value: float | None


@dataclass
class Comparison:
    metric: str
    before: Side
    after: Side
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    enough: bool = False
    verdict: str = ""
    weeks_so_far: int | None = None  # set while the 8 weeks after are not over yet

    @property
    def label(self) -> str:
        return METRIC_LABELS[self.metric]

    @property
    def summary(self) -> str:
        """One line for lists: "NPS +37.2 points after: a clear rise"."""
        if not self.enough:
            return f"{self.label}: too little feedback to tell"
        amount = f"{self.difference:+.2f}" if self.metric == "ces" else f"{self.difference:+.1f} points"
        if self.ci_low > 0:
            outcome = "a clear rise"
        elif self.ci_high < 0:
            outcome = "a clear fall"
        else:
            outcome = "no clear change"
        return f"{self.label} {amount} in the 8 weeks after: {outcome}"

    @property
    def celebration(self) -> str:
        """The line under a thank-you on "You said, we did": the change in plain words when there is a
        clear one, else "too early to tell" — never "no clear change" as a headline. The figures and
        the careful verdict stay on the idea's own page, one click away."""
        amount = (f"{abs(self.difference):.2f}" if self.metric == "ces" else f"{abs(self.difference):.0f} points") \
            if self.enough else ""
        if self.enough and self.ci_low > 0:
            when = "since" if self.weeks_so_far is not None else "in the 8 weeks after"
            return f"Customers noticed: {self.label} rose by {amount} {when}"
        if self.enough and self.ci_high < 0 and self.weeks_so_far is None:
            return f"{self.label} was {amount} lower in the 8 weeks after"
        if self.weeks_so_far is not None:
            return "Too early to tell whether customers noticed: the 8 weeks after are not over yet"
        return "Too early to tell whether customers noticed"


def metric_value(metric: str, scores: list[int]) -> float | None:
    """CSAT in %, NPS in −100..100, CES as the mean rating (docs/interface.md, "Customer scores")."""
    if not scores:
        return None
    n = len(scores)
    if metric == "csat":
        return 100.0 * sum(1 for s in scores if s >= 4) / n
    if metric == "nps":
        return 100.0 * (sum(1 for s in scores if s >= 9) - sum(1 for s in scores if s <= 6)) / n
    if metric == "ces":
        return sum(scores) / n
    raise ValueError(f"unknown metric {metric!r}")


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (as a fraction)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """p2 − p1 with Newcombe's hybrid score interval (fractions): (difference, low, high)."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    diff = p2 - p1
    low = diff - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = diff + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return diff, low, high


def nps_difference(before: list[int], after: list[int], z: float = Z95) -> tuple[float, float, float]:
    """NPS(after) − NPS(before) in points with a normal interval from the NPS estimator's variance."""
    def parts(scores):
        n = len(scores)
        promoters = sum(1 for s in scores if s >= 9) / n
        detractors = sum(1 for s in scores if s <= 6) / n
        nps = promoters - detractors
        return nps, (promoters + detractors - nps * nps) / n

    nps1, var1 = parts(before)
    nps2, var2 = parts(after)
    diff = nps2 - nps1
    half = z * math.sqrt(var1 + var2)
    return 100 * diff, 100 * (diff - half), 100 * (diff + half)


def welch_difference(before: list[int], after: list[int], level: float = 0.95) -> tuple[float, float, float]:
    """mean(after) − mean(before) with Welch's t interval (scipy's, Welch–Satterthwaite df)."""
    diff = sum(after) / len(after) - sum(before) / len(before)
    if _sum_of_squares(before) == 0 and _sum_of_squares(after) == 0:
        return diff, diff, diff  # identical ratings on each side: scipy's interval would be NaN
    with warnings.catch_warnings():
        # One side with identical ratings is exact (variance 0), not the near-identical data this warns of.
        warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
        interval = stats.ttest_ind(after, before, equal_var=False).confidence_interval(confidence_level=level)
    return diff, float(interval.low), float(interval.high)


def _sum_of_squares(scores: list[int]) -> float:
    mean = sum(scores) / len(scores)
    return sum((x - mean) ** 2 for x in scores)


def compare(metric: str, before: list[int], after: list[int], *, min_items: int = MIN_ITEMS) -> Comparison:
    """The before/after comparison, with a verdict in plain words."""
    result = Comparison(metric, Side(len(before), metric_value(metric, before)),
                        Side(len(after), metric_value(metric, after)))
    if len(before) < min_items or len(after) < min_items:
        result.verdict = (f"Too little feedback to tell: at least {min_items} items are needed on each side "
                          f"(before: {len(before)}, after: {len(after)}).")
        return result
    if metric == "csat":
        x1 = sum(1 for s in before if s >= 4)
        x2 = sum(1 for s in after if s >= 4)
        diff, low, high = (100 * v for v in newcombe_difference(x1, len(before), x2, len(after)))
    elif metric == "nps":
        diff, low, high = nps_difference(before, after)
    else:
        diff, low, high = welch_difference(before, after)
    result.difference, result.ci_low, result.ci_high, result.enough = diff, low, high, True
    result.verdict = _verdict(metric, diff, low, high)
    return result


def _verdict(metric: str, diff: float, low: float, high: float) -> str:
    label = METRIC_LABELS[metric]
    if low > 0:
        return (f"{label} was higher in the 8 weeks after than in the 8 weeks before, by more than chance "
                f"alone would explain. Other things changed too, so this shows a rise after, not proof it "
                f"was caused by this idea.")
    if high < 0:
        return (f"{label} was lower in the 8 weeks after than before, by more than chance alone would "
                f"explain. Worth a look: other things may have changed at the same time.")
    return (f"No clear change: the difference in {label} is within what chance alone could give "
            f"(the interval includes zero).")


def windows(implemented_at: datetime) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
    """[start, end) of the 8 weeks before and the 8 weeks from the implementation instant."""
    return (implemented_at - WINDOW, implemented_at), (implemented_at, implemented_at + WINDOW)


def idea_impact(idea, metric: str | None = None, now: datetime | None = None) -> Comparison | None:
    """The comparison for an implemented idea on its team (and sub-teams), in `metric` (default:
    the team's form metric). None when the idea is not implemented."""
    return impacts_of([idea], metric, now)[idea.id]


def impacts_of(ideas, metric: str | None = None, now: datetime | None = None) -> dict[int, Comparison | None]:
    """idea_impact for each of a page of ideas, their scores read in one statement: per idea and
    side, how many items gave each score (the comparison needs only those counts)."""
    from sqlalchemy import func, literal, union_all

    from flashpoint.extensions import db
    from flashpoint.timeutil import utcnow
    from recognition.feedback.models import Feedback

    from flashpoint.people.models import Team

    now = now or utcnow()
    result: dict[int, Comparison | None] = {}
    asked, parts = {}, []
    children: dict[int | None, list[int]] | None = None
    for idea in ideas:
        result[idea.id] = None
        if idea.status != "implemented" or idea.implemented_at is None:
            continue
        chosen = metric or idea.team.form_metric or "csat"
        if children is None:  # the team tree in one statement, not one per team walked
            children = {}
            for team_id, parent_id in db.session.execute(db.select(Team.id, Team.parent_id)):
                children.setdefault(parent_id, []).append(team_id)
        team_ids = _subtree_ids(idea.team_id, children)
        asked[idea.id] = chosen
        for side, (start, end) in zip(("before", "after"), windows(idea.implemented_at)):
            parts.append(db.select(literal(idea.id).label("idea"), literal(side).label("side"), Feedback.score,
                                   func.count().label("n"))
                         .where(Feedback.team_id.in_(team_ids), Feedback.metric == chosen,
                                Feedback.received_at >= start, Feedback.received_at < min(end, now))
                         .group_by(Feedback.score))
    if not parts:
        return result
    scores: dict[tuple[int, str], list[int]] = {}
    for idea_id, side, score, n in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        scores.setdefault((int(idea_id), side), []).extend([score] * n)
    for idea in ideas:
        if idea.id not in asked:
            continue
        comparison = compare(asked[idea.id], sorted(scores.get((idea.id, "before"), [])),
                             sorted(scores.get((idea.id, "after"), [])))
        a0, a1 = windows(idea.implemented_at)[1]
        if now < a1:
            weeks = max(0, (now - a0).days // 7)
            comparison.verdict += f" The 8 weeks after are not over yet ({weeks} so far)."
            comparison.weeks_so_far = weeks
        result[idea.id] = comparison
    return result


def _subtree_ids(team_id: int, children: dict) -> list[int]:
    """The team and every team below it, from a map of each team's children."""
    found, stack, seen = [], [team_id], set()
    while stack:
        current = stack.pop()
        if current in seen:  # a loop in the tree is walked once
            continue
        seen.add(current)
        found.append(current)
        stack.extend(children.get(current, []))
    return found
