"""Engagement of a team-period from live pulse answers (closed cycles only), for the panel.

Reads the pulse tables as aggregates only: sums and counts per driver, and per cycle the number of
people who answered. Nothing here ever looks at a single answer.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from engagement.insights.models import GRAINS
from engagement.insights.periods import period_start
from engagement.pulses.models import ENPS, PulseAnswer, PulseCycle, PulseParticipation
from flashpoint.extensions import db


def engagement_figures(team_id: int, start: date, end: date):
    """Engagement, driver scores and eNPS of the closed cycles of `team_id` opening in [start, end).

    Engagement is the mean of all 1–5 driver answers scaled (a−1)·25; eNPS the NPS of the 0–10
    item. The group size is the largest number of people who answered one of those cycles (the
    same people answer each cycle, so cycles are not added up).
    """
    from engagement.insights.panel import EngagementFigures

    cycles = sa.select(PulseCycle.id).where(
        PulseCycle.team_id == team_id, PulseCycle.opens_on >= start, PulseCycle.opens_on < end,
        PulseCycle.closed_at.is_not(None))
    group = db.session.scalar(
        sa.select(sa.func.max(sa.select(sa.func.count(PulseParticipation.id))
                              .where(PulseParticipation.cycle_id == PulseCycle.id, PulseParticipation.answered.is_(True))
                              .correlate(PulseCycle).scalar_subquery()))
        .where(PulseCycle.id.in_(cycles))
    ) or 0
    rows = db.session.execute(
        sa.select(PulseAnswer.driver, PulseAnswer.value, sa.func.count())
        .where(PulseAnswer.cycle_id.in_(cycles))
        .group_by(PulseAnswer.driver, PulseAnswer.value)
    ).all()
    if not rows:
        return None
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
