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
