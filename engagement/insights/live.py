"""Engagement of a team-period from live pulse answers (closed cycles only), for the panel.

Reads the pulse tables as aggregates only: sums and counts per driver, and per cycle the number of
people who answered. Nothing here ever looks at a single answer.

Small cycles count nowhere, exactly as on /pulses (`engagement.pulses.results`): a cycle answered by
fewer people than the threshold (`engagement.pulses.anonymity` decides) counts towards the group
size but adds nothing to engagement, the drivers or eNPS; otherwise a month's figure minus its
weeks', here or on /pulses, would give it away. The threshold is read when a team-period is
computed, so after changing PULSE_MIN_GROUP_SIZE run `flask rebuild-insights`.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from engagement.insights.figures import EngagementFigures
from engagement.insights.models import GRAINS
from engagement.insights.periods import period_start
from engagement.pulses import anonymity
from engagement.pulses.models import ENPS, PulseAnswer, PulseCycle, PulseParticipation
from flashpoint.extensions import db


def engagement_figures(team_id: int, start: date, end: date):
    """Engagement, driver scores and eNPS of the closed cycles of `team_id` opening in [start, end).

    Engagement is the mean of all 1–5 driver answers scaled (a−1)·25; eNPS the NPS of the 0–10
    item. The group size is the largest number of people who answered one of those cycles (the
    same people answer each cycle, so cycles are not added up). Only cycles meeting the threshold
    add answers; when none does, the figures are empty (the group size still says why).
    """

    respondents = dict(db.session.execute(
        sa.select(PulseCycle.id, sa.func.count(PulseParticipation.id))
        .outerjoin(PulseParticipation, sa.and_(PulseParticipation.cycle_id == PulseCycle.id,
                                               PulseParticipation.answered.is_(True)))
        .where(PulseCycle.team_id == team_id, PulseCycle.opens_on >= start, PulseCycle.opens_on < end,
               PulseCycle.closed_at.is_not(None))
        .group_by(PulseCycle.id)
    ).all())
    group = max(respondents.values(), default=0)
    if not group:
        return None
    threshold = anonymity.min_group_size()
    pooled = [cycle_id for cycle_id, n in respondents.items() if anonymity.shown(n, threshold)]
    rows = db.session.execute(
        sa.select(PulseAnswer.driver, PulseAnswer.value, sa.func.count())
        .where(PulseAnswer.cycle_id.in_(pooled))
        .group_by(PulseAnswer.driver, PulseAnswer.value)
    ).all() if pooled else []
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    enps = [0, 0, 0]  # answers, promoters, detractors
    for driver, value, count in rows:
        if driver == ENPS:
            enps[0] += count
            enps[1] += count if value >= 9 else 0
            enps[2] += count if value <= 6 else 0
        else:
            sums[driver][0] += (value - 1) * 25.0 * count
            sums[driver][1] += count
    total = sum(c for _, c in sums.values())
    drivers = {key: s / c for key, (s, c) in sums.items() if c}
    engagement = sum(s for s, _ in sums.values()) / total if total else None
    enps_value = 100.0 * (enps[1] - enps[2]) / enps[0] if enps[0] else None
    return EngagementFigures("live", int(group), engagement, drivers, enps_value)


def closed_cells(*where) -> dict[tuple[int, str, date], tuple]:
    """(team, grain, period start) → (pulse results cell, group size, closed cycles) of every closed
    cycle matching `where` (conditions on PulseCycle): three aggregate statements in all.

    The cell is what /pulses sums for a team's own cycles (small cycles count towards the group size
    only); the group size the largest number of people who answered one of the cycles.
    """
    from engagement.pulses.results import Cell, add_cycle, cycle_totals

    threshold = anonymity.min_group_size()
    found: dict[tuple[int, str, date], list] = {}
    starts: dict[date, tuple] = {}  # the period starts of each opening day, worked out once
    # With no condition (a full rebuild) every closed cycle is read: scan the answers once.
    for cycle in cycle_totals(PulseCycle.closed_at.is_not(None), *where, scan=not where).values():
        periods = starts.get(cycle.opens_on)
        if periods is None:
            periods = starts[cycle.opens_on] = tuple((grain, period_start(cycle.opens_on, grain)) for grain in GRAINS)
        for grain, start in periods:
            key = (cycle.team_id, grain, start)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = [Cell(), 0, 0]
            add_cycle(entry[0], cycle, threshold)
            entry[1] = max(entry[1], cycle.respondents)
            entry[2] += 1
    return {key: tuple(entry) for key, entry in found.items()}


def figures_from_cell(cell, group: int):
    """The panel's engagement figures from a team-period's closed cycles (None when nobody answered):
    the same sums as `engagement_figures`, read from the cycles' totals."""
    from engagement.pulses.models import DRIVERS

    if not group:
        return None
    drivers = {key: cell.value(key) for key in DRIVERS if cell.counts.get(key)}
    return EngagementFigures("live", int(group), cell.value("engagement"), drivers, cell.value(ENPS))


def team_periods_with_answers(team_ids=None) -> set[tuple[int, str, date]]:
    """(team, grain, period start) of every closed cycle (of those teams, when given)."""
    keys = set()
    query = sa.select(PulseCycle.team_id, PulseCycle.opens_on).where(PulseCycle.closed_at.is_not(None))
    if team_ids is not None:
        query = query.where(PulseCycle.team_id.in_(list(team_ids)))
    rows = db.session.execute(query)
    for team_id, opens_on in rows:
        for grain in GRAINS:
            keys.add((team_id, grain, period_start(opens_on, grain)))
    return keys


def closed_cells_at_once() -> dict[tuple[int, str, date], tuple[list, int, int]]:
    """(team, grain, period start) → (the cell's flat vector, group size, closed cycles) of every
    closed cycle, for a full rebuild: what `closed_cells()` gives (as `Cell.vector()`), summed as
    arrays instead of a Cell per team-period and a Python step per cycle and driver.

    Every sum is of whole numbers (the answers' sums scaled by 25), exact in floating point in any
    order, so the vectors are the same numbers as the cells' to the last bit.
    """
    import numpy as np

    from engagement.pulses.models import DRIVERS
    from engagement.pulses.results import METRICS, cycle_groups

    cycles, participations, answers = cycle_groups(PulseCycle.closed_at.is_not(None))
    if not cycles:
        return {}
    m = len(METRICS)
    engagement, enps = METRICS.index("engagement"), METRICS.index(ENPS)
    column = {metric: METRICS.index(metric) for metric in (*DRIVERS, ENPS)}
    index = {row[0]: i for i, row in enumerate(cycles)}
    n = len(cycles)
    # Per cycle: promoters, detractors, invited, answered, then per metric counts and sizes (whole
    # numbers), and per metric the sums (floats, as the cells keep them).
    whole = np.zeros((n, 4 + 2 * m), dtype=np.int64)
    sums = np.zeros((n, m), dtype=np.float64)
    counts, sizes = whole[:, 4:4 + m], whole[:, 4 + m:]
    for cycle_id, answered, invited in participations:
        i = index.get(cycle_id)
        if i is not None:
            whole[i, 3], whole[i, 2] = int(answered or 0), int(invited or 0)
    respondents = whole[:, 3].copy()
    threshold = anonymity.min_group_size()
    pooled = np.fromiter((anonymity.counts(int(r), True, threshold) for r in respondents), dtype=bool, count=n)
    if answers:
        ids, drivers, count, total, promoters, detractors = zip(*answers)
        rows = np.fromiter((index.get(cycle_id, -1) for cycle_id in ids), dtype=np.int64, count=len(ids))
        cols = np.fromiter((column.get(driver, -1) for driver in drivers), dtype=np.int64, count=len(ids))
        count = np.array(count, dtype=np.int64)
        total = np.array([t or 0 for t in total], dtype=np.int64)
        promoters = np.array([p or 0 for p in promoters], dtype=np.int64)
        detractors = np.array([d or 0 for d in detractors], dtype=np.int64)
        known = (rows >= 0) & (cols >= 0)
        net = known & (cols == enps)
        scored = known & (cols != enps)
        # Group sizes: each driver answered, and engagement when any driver was, take the cycle's size.
        sizes[rows[known], cols[known]] = respondents[rows[known]]
        sizes[rows[scored], engagement] = respondents[rows[scored]]
        # Only cycles meeting the threshold add answers (one row per cycle and driver: no repeats).
        net &= pooled[np.maximum(rows, 0)]
        scored &= pooled[np.maximum(rows, 0)]
        counts[rows[net], enps] = count[net]
        whole[rows[net], 0] = promoters[net]
        whole[rows[net], 1] = detractors[net]
        scaled = 25.0 * total.astype(np.float64) - 25.0 * count.astype(np.float64)  # sum of (a-1)*25
        counts[rows[scored], cols[scored]] = count[scored]
        sums[rows[scored], cols[scored]] = scaled[scored]
        np.add.at(counts[:, engagement], rows[scored], count[scored])
        np.add.at(sums[:, engagement], rows[scored], scaled[scored])

    keys: dict[tuple[int, str, date], int] = {}
    starts: dict[date, tuple] = {}
    which = {grain: np.empty(n, dtype=np.int64) for grain in GRAINS}
    for i, (_cycle_id, team_id, opens_on) in enumerate(cycles):
        periods = starts.get(opens_on)
        if periods is None:
            periods = starts[opens_on] = tuple((grain, period_start(opens_on, grain)) for grain in GRAINS)
        for grain, start in periods:
            which[grain][i] = keys.setdefault((team_id, grain, start), len(keys))
    k = len(keys)
    key_whole = np.zeros((k, 4 + 2 * m), dtype=np.int64)
    key_sums = np.zeros((k, m), dtype=np.float64)
    group = np.zeros(k, dtype=np.int64)
    closed = np.zeros(k, dtype=np.int64)
    for grain in GRAINS:
        at = which[grain]
        np.add.at(key_whole[:, :4 + m], at, whole[:, :4 + m])
        sizes_of_keys = key_whole[:, 4 + m:]
        np.maximum.at(sizes_of_keys, at, sizes)
        np.add.at(key_sums, at, sums)
        np.maximum.at(group, at, respondents)
        np.add.at(closed, at, 1)
    key_whole, key_sums, group, closed = key_whole.tolist(), key_sums.tolist(), group.tolist(), closed.tolist()
    found = {}
    for key, i in keys.items():
        row = key_whole[i]
        found[key] = (row[:4] + key_sums[i] + row[4:], group[i], closed[i])
    return found


def figures_from_vector(vector: list, group: int):
    """`figures_from_cell` from the cell's flat vector (None when nobody answered)."""
    from engagement.pulses.models import DRIVERS
    from engagement.pulses.results import METRICS

    if not group:
        return None
    m = len(METRICS)
    sums, counts = vector[4:4 + m], vector[4 + m:4 + 2 * m]

    columns = _columns()

    def value(metric: str) -> float | None:
        j = columns[metric]
        if not counts[j]:
            return None
        if metric == ENPS:
            return 100.0 * (vector[0] - vector[1]) / counts[j]
        return sums[j] / counts[j]
    drivers = {key: value(key) for key in DRIVERS if counts[columns[key]]}
    return EngagementFigures("live", int(group), value("engagement"), drivers, value(ENPS))


@lru_cache(maxsize=None)
def _columns() -> dict[str, int]:
    from engagement.pulses.results import METRICS
    return {metric: j for j, metric in enumerate(METRICS)}
