"""Pulse results per team and period, with every figure passed through `anonymity` first.

Engagement (docs/interface.md, "Engagement score"): the mean of the 1–5 driver answers scaled
`(a-1)*25`; eNPS (the NPS of the 0–10 item) beside it. A live answer belongs to the period
containing its cycle's opening date. A team's figure covers its sub-teams. Group size: in a team's
own closed cycles, the largest number of respondents of one; a parent adds its teams' groups (each
person belongs to one team). Which answers count is `anonymity.counts`: a running cycle adds to the
response rate only, one answered by fewer than the threshold to no figure but to the group size.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import case, func

from engagement.pulses import anonymity
from engagement.pulses.models import (
    DRIVERS, ENPS, PulseAnswer, PulseComment, PulseCycle, PulseParticipation,
)
from engagement.pulses.rotation import add_months, month_start, week_monday
from flashpoint.extensions import db
from flashpoint.people.models import Team

GRAINS = ("month", "week")
METRICS = ("engagement", "enps") + DRIVERS
_METRIC_INDEX = {metric: m for m, metric in enumerate(METRICS)}
# A cell as a flat vector: promoters, detractors, invited, answered, then per metric the sums, the
# counts and the group sizes. Within a team's own period everything adds up but the sizes, which
# are the largest of its cycles.
_M = len(METRICS)
_SUMS, _COUNTS, _SIZES = slice(4, 4 + _M), slice(4 + _M, 4 + 2 * _M), slice(4 + 2 * _M, 4 + 3 * _M)


def _merge(kept: np.ndarray, more: np.ndarray) -> np.ndarray:
    """Two sets of cycles of the same team-period together."""
    merged = kept + more
    merged[_SIZES] = np.maximum(kept[_SIZES], more[_SIZES])
    return merged


def period_start(day: date, grain: str) -> date:
    return week_monday(day) if grain == "week" else month_start(day)


def periods_between(first: date, last: date, grain: str) -> list[date]:
    found, day = [], period_start(first, grain)
    while day <= last:
        found.append(day)
        day = day + timedelta(days=7) if grain == "week" else add_months(day, 1)
    return found


@dataclass
class Figure:
    value: float | None
    n: int
    hidden: str | None  # None when shown; else anonymity.SMALL / SUBTRACTION / NO_DATA

    @property
    def shown(self) -> bool:
        return self.hidden is None


@dataclass
class Cell:
    """Sums for one team-period (its own cycles, or a subtree once added up)."""
    sums: dict = field(default_factory=lambda: defaultdict(float))
    counts: dict = field(default_factory=lambda: defaultdict(int))
    sizes: dict = field(default_factory=lambda: defaultdict(int))
    promoters: int = 0
    detractors: int = 0
    invited: int = 0
    answered: int = 0

    def add(self, other: Cell) -> None:
        for key, value in other.sums.items():
            self.sums[key] += value
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.sizes.items():
            self.sizes[key] += value
        self.promoters += other.promoters
        self.detractors += other.detractors
        self.invited += other.invited
        self.answered += other.answered

    def vector(self) -> list:
        """The cell as one flat list (VECTOR layout): what the insights panel keeps as JSON."""
        return ([self.promoters, self.detractors, self.invited, self.answered]
                + [self.sums.get(m, 0.0) for m in METRICS] + [self.counts.get(m, 0) for m in METRICS]
                + [self.sizes.get(m, 0) for m in METRICS])

    def value(self, metric: str) -> float | None:
        count = self.counts.get(metric, 0)
        if not count:
            return None
        if metric == ENPS:
            return 100.0 * (self.promoters - self.detractors) / count
        return self.sums[metric] / count


class Figures(Mapping):
    """A node-period's figures by metric, made when asked for (most pages read two of twelve)."""

    __slots__ = ("_values", "_sizes", "_codes")

    def __init__(self, values, sizes, codes) -> None:
        self._values, self._sizes, self._codes = values, sizes, codes

    def __getitem__(self, metric: str) -> Figure:
        m = _METRIC_INDEX[metric]
        value = float(self._values[m])
        return Figure(None if math.isnan(value) else value, int(self._sizes[m]), anonymity.REASONS[int(self._codes[m])])

    def __iter__(self):
        return iter(METRICS)

    def __len__(self) -> int:
        return len(METRICS)


@dataclass
class TeamPeriod:
    team_id: int | str  # a team id, or anonymity.ROOT for the whole organisation
    period_start: date
    figures: dict[str, Figure]
    invited: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return 100.0 * self.answered / self.invited if self.invited else None

    @property
    def engagement(self) -> Figure:
        return self.figures["engagement"]

    @property
    def enps(self) -> Figure:
        return self.figures["enps"]


@dataclass
class CycleTotals:
    """One cycle's aggregates: who was invited and answered, and per driver the answers' count,
    sum, promoters (9–10) and detractors (0–6). Never a single answer."""
    id: int
    team_id: int
    opens_on: date
    closed: bool
    respondents: int = 0
    invited: int = 0
    answers: list = field(default_factory=list)  # (driver, count, sum, promoters, detractors)


def cycle_totals(*where, answers: bool = True, scan: bool = False) -> dict[int, CycleTotals]:
    """The totals of the cycles matching `where` (conditions on PulseCycle), in three aggregate
    statements whatever the number of answers (two, reading no answer, when `answers` is false).

    `scan`: the cycles are most of them (a full rebuild), so participations and answers are grouped
    over their whole tables along their cycle indexes and the other cycles' groups dropped here;
    joining them to the cycles would look a cycle up for each of two million answers."""
    found = {cid: CycleTotals(cid, team_id, opens_on, closed_at is not None)
             for cid, team_id, opens_on, closed_at in db.session.execute(
                 db.select(PulseCycle.id, PulseCycle.team_id, PulseCycle.opens_on, PulseCycle.closed_at).where(*where))}
    if not found:
        return {}

    def scoped(select):
        return select if scan else select.join(PulseCycle, PulseCycle.id == select.selected_columns[0]).where(*where)

    for cid, answered, invited in db.session.execute(scoped(_participation_sums())):
        if cid in found:
            found[cid].respondents, found[cid].invited = int(answered or 0), int(invited or 0)
    if not answers:
        return found
    for cid, driver, count, total, promoters, detractors in db.session.execute(scoped(_answer_sums())):
        if cid in found:
            found[cid].answers.append((driver, count, total or 0, promoters or 0, detractors or 0))
    return found


def _participation_sums():
    """Per cycle: how many answered, how many were invited."""
    return db.select(PulseParticipation.cycle_id,
                     func.sum(case((PulseParticipation.answered.is_(True), 1), else_=0)),
                     func.sum(case((PulseParticipation.invited_at.is_not(None), 1), else_=0))
                     ).group_by(PulseParticipation.cycle_id)


def _answer_sums():
    """Per cycle and driver: the answers' count, sum, promoters (9–10) and detractors (0–6)."""
    return db.select(PulseAnswer.cycle_id, PulseAnswer.driver, func.count(), func.sum(PulseAnswer.value),
                     func.sum(case((PulseAnswer.value >= 9, 1), else_=0)),
                     func.sum(case((PulseAnswer.value <= 6, 1), else_=0))
                     ).group_by(PulseAnswer.cycle_id, PulseAnswer.driver)


def cycle_groups(*where) -> tuple[list, list, list]:
    """The raw groups `cycle_totals(*where, scan=True)` is made of, as plain rows for array code: the
    cycles matching `where` (id, team, opening day), and over the whole tables, participations per
    cycle (id, answered, invited) and answers per cycle and driver (id, driver, count, sum,
    promoters, detractors); groups of other cycles are the caller's to drop."""
    connection = db.session.connection()
    cycles = connection.execute(db.select(PulseCycle.id, PulseCycle.team_id, PulseCycle.opens_on).where(*where)).all()
    if not cycles:
        return [], [], []
    return cycles, connection.execute(_participation_sums()).all(), connection.execute(_answer_sums()).all()


def add_cycle(cell: Cell, cycle: CycleTotals, threshold: int) -> None:
    """Add one cycle to a team-period's cell."""
    cell.invited += cycle.invited
    cell.answered += cycle.respondents
    if not cycle.closed:
        return  # a running cycle shows its response rate only (anonymity.counts)
    n = cycle.respondents
    # A cycle answered by fewer than the threshold still counts towards the group size (so
    # the page can say why a figure is hidden) but adds no value to any figure: pooled into
    # a month, its few answers could otherwise be worked out from the figures around them.
    pooled = anonymity.counts(n, cycle.closed, threshold)
    for driver, count, total, promoters, detractors in cycle.answers:
        if driver == ENPS:
            cell.sizes[ENPS] = max(cell.sizes[ENPS], n)
            if pooled:
                cell.counts[ENPS] += count
                cell.promoters += promoters
                cell.detractors += detractors
        elif driver in DRIVERS:
            scaled = 25.0 * total - 25.0 * count  # sum of (a-1)*25
            for metric in (driver, "engagement"):
                cell.sizes[metric] = max(cell.sizes[metric], n)
                if pooled:
                    cell.sums[metric] += scaled
                    cell.counts[metric] += count


def _own_cells(grain: str, first: date, last: date, threshold: int, *where) -> dict[tuple[int, date], Cell]:
    cycles = cycle_totals(PulseCycle.opens_on >= first, PulseCycle.opens_on <= last, *where)
    cells: dict[tuple[int, date], Cell] = defaultdict(Cell)
    for cycle in cycles.values():
        add_cycle(cells[(cycle.team_id, period_start(cycle.opens_on, grain))], cycle, threshold)
    return dict(cells)


def _kept_cells(grain: str, first: date, last: date, threshold: int,
                team_ids: set[int] | None) -> dict[tuple[int, date], np.ndarray]:
    """The own cells of the teams (all when None) from the insights panel, which keeps each
    team-period's closed cycles summed (closed cycles take no more answers); open cycles, and any
    team-period whose kept cycles do not match the closed ones (a panel not rebuilt yet), are
    summed from the pulse tables. Exactly what `_own_cells` computes, at a fraction of the cost."""
    from engagement.insights.models import TeamPeriod

    scope = () if team_ids is None else (PulseCycle.team_id.in_(sorted(team_ids)),)
    in_window = (PulseCycle.opens_on >= first, PulseCycle.opens_on <= last)
    closed: dict[tuple[int, date], int] = defaultdict(int)
    open_ids = []
    starts: dict[date, date] = {}  # a year of weekly cycles opens on a few hundred distinct days
    table = PulseCycle.__table__.c  # plain rows: HR's year is 20,000 cycles
    for cid, team_id, opens_on, closed_at in db.session.execute(
            db.select(table.id, table.team_id, table.opens_on, table.closed_at).where(*in_window, *scope)):
        if closed_at is None:
            open_ids.append(cid)
        else:
            start = starts.get(opens_on)
            if start is None:
                start = starts[opens_on] = period_start(opens_on, grain)
            closed[(team_id, start)] += 1
    if not closed and not open_ids:
        return {}
    # The panel's cells were summed at the configured threshold; another one is computed afresh.
    if threshold != anonymity.min_group_size():
        return {key: np.array(cell.vector(), float)
                for key, cell in _own_cells(grain, first, last, threshold, *scope).items()}
    panel = TeamPeriod.__table__.c
    rows = db.session.execute(
        db.select(panel.team_id, panel.period_start, panel.pulse_cycles, db.type_coerce(panel.pulse_cell, db.Text))
        .where(panel.grain == grain, panel.period_start >= period_start(first, grain), panel.period_start <= last,
               panel.pulse_cycles > 0, *(() if team_ids is None else (panel.team_id.in_(sorted(team_ids)),))))
    keys, vectors = [], []
    for team_id, start, kept, cell in rows:
        key = (team_id, start)
        if closed.get(key) == kept and cell:
            keys.append(key)
            vectors.append(cell)
    usable = [(key, vector) for key, vector in zip(keys, _decoded(vectors))
              if isinstance(vector, list) and len(vector) == 4 + 3 * _M]
    matrix = np.array([vector for _, vector in usable], float)
    cells: dict[tuple[int, date], np.ndarray] = {key: matrix[i] for i, (key, _) in enumerate(usable)}
    stale = [key for key in closed if key not in cells]
    if stale:
        stale_teams = {team_id for team_id, _ in stale}
        for key, cell in _own_cells(grain, first, last, threshold, PulseCycle.closed_at.is_not(None),
                                    PulseCycle.team_id.in_(sorted(stale_teams))).items():
            if key in closed and key not in cells:
                cells[key] = np.array(cell.vector(), float)
    if open_ids:
        # Running cycles add their response rate only: their answers are not read at all.
        running: dict = defaultdict(Cell)
        for cycle in cycle_totals(PulseCycle.id.in_(open_ids), answers=False).values():
            add_cycle(running[(cycle.team_id, period_start(cycle.opens_on, grain))], cycle, threshold)
        for key, cell in running.items():
            vector = np.array(cell.vector(), float)
            cells[key] = _merge(cells[key], vector) if key in cells else vector
    return cells


def _decoded(cells: list) -> list:
    """The kept vectors as lists. SQLite's driver hands JSON over as text, decoded here in one call
    (thousands of small ones cost more than the rest of the page); PostgreSQL's already decoded."""
    texts = [cell for cell in cells if isinstance(cell, (str, bytes))]
    if not texts:
        return cells
    try:
        decoded = iter(json.loads("[" + ",".join(t.decode() if isinstance(t, bytes) else t for t in texts) + "]"))
    except ValueError:  # a damaged cell: decode one by one, and let the damaged ones be summed afresh
        decoded = iter([_loads_or_none(t) for t in texts])
    return [next(decoded) if isinstance(cell, (str, bytes)) else cell for cell in cells]


def _loads_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def periods_with_cycles(grain: str, first: date, last: date) -> set[date]:
    """The periods in which any team had a cycle (what the page offers to choose from)."""
    days = db.session.scalars(db.select(PulseCycle.opens_on).distinct()
                              .where(PulseCycle.opens_on >= first, PulseCycle.opens_on <= last))
    return {period_start(day, grain) for day in days}


def team_parents() -> dict[int, int | None]:
    return dict(db.session.execute(db.select(Team.id, Team.parent_id)).all())


def compute(grain: str = "month", first: date | None = None, last: date | None = None,
            threshold: int | None = None, teams: set[int] | None = None) -> dict[date, dict[int | str, TeamPeriod]]:
    """Every team's (and the organisation's) figures per period, hidden where they must be.

    `teams`, when given, must hold whole subtrees (a manager's teams and their sub-teams): only
    they are summed and judged, which gives them exactly the figures of the whole tree, since a
    figure and its anonymity depend on its subtree alone. The organisation's row is then left out.
    """
    last = last or date.today()
    first = first or add_months(month_start(last), -11)
    threshold = threshold if threshold is not None else anonymity.min_group_size()
    parents = team_parents()
    if teams is not None:
        parents = {team_id: parent for team_id, parent in parents.items() if team_id in teams}
    if first == period_start(first, grain):
        own = _kept_cells(grain, first, last, threshold, None if teams is None else set(parents))
    else:
        own = {key: np.array(cell.vector(), float) for key, cell in _own_cells(
            grain, first, last, threshold, *(() if teams is None else (PulseCycle.team_id.in_(sorted(parents)),))).items()}
    periods = sorted({p for team_id, p in own if team_id in parents})
    if not periods:
        return {}
    # Every figure of every node, period and metric at once, as arrays [node, period, metric]: all
    # the sums are additive (sizes too: each person belongs to one team), so a subtree's cell is
    # its own plus its children's, added up in one pass over the tree.
    order = _post_order(parents)
    index = {node: i for i, node in enumerate(order)}
    at = {period: j for j, period in enumerate(periods)}
    shape = (len(order), len(periods), len(METRICS))
    sums, counts, sizes = np.zeros(shape), np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    people = np.zeros((len(order), len(periods), 4), dtype=np.int64)  # promoters, detractors, invited, answered
    keys = [key for key in own if key[0] in index]
    if keys:
        at_node = np.array([index[team_id] for team_id, _ in keys])
        at_period = np.array([at[period] for _, period in keys])
        vectors = np.array([own[key] for key in keys], float)
        sums[at_node, at_period] = vectors[:, _SUMS]
        counts[at_node, at_period] = np.rint(vectors[:, _COUNTS]).astype(np.int64)
        sizes[at_node, at_period] = np.rint(vectors[:, _SIZES]).astype(np.int64)
        people[at_node, at_period] = np.rint(vectors[:, :4]).astype(np.int64)
    codes = anonymity.hidden_codes(parents, {team_id: sizes[index[team_id]].copy() for team_id in parents},
                                   shape[1:], threshold)
    for node in order[:-1]:  # children come before their parent; ROOT comes last
        parent = parents[node]
        up = index[parent if parent in parents else anonymity.ROOT]
        i = index[node]
        sums[up] += sums[i]
        counts[up] += counts[i]
        sizes[up] += sizes[i]
        people[up] += people[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = sums / counts
        e = METRICS.index(ENPS)
        values[:, :, e] = 100.0 * (people[:, :, 0] - people[:, :, 1]) / counts[:, :, e]
    reasons = np.empty(shape, dtype=np.int8)
    for node, i in index.items():
        reasons[i] = codes[node]
    shown_values = np.where((reasons == anonymity.SHOWN_CODE) & (counts > 0), values, np.nan)

    result: dict[date, dict[int | str, TeamPeriod]] = {}
    for j, period in enumerate(periods):
        rows = {}
        for node, i in index.items():
            if teams is not None and node == anonymity.ROOT:
                continue
            rows[node] = TeamPeriod(node, period, Figures(shown_values[i, j], sizes[i, j], reasons[i, j]),
                                    int(people[i, j, 2]), int(people[i, j, 3]))
        result[period] = rows
    return result


def _post_order(parents: dict) -> list:
    """The teams, then ROOT, each team after every team under it."""
    children: dict = defaultdict(list)
    for team_id, parent in parents.items():
        children[parent if parent in parents else anonymity.ROOT].append(team_id)
    order, stack = [], [(anonymity.ROOT, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children.get(node, []))
    return order


def own_group_size(team_id: int, period: date, grain: str) -> int:
    cell = _own_cells(grain, period, _period_end(period, grain), anonymity.min_group_size(),
                      PulseCycle.team_id == team_id).get((team_id, period))
    return cell.sizes.get("engagement", 0) if cell else 0


def _period_end(period: date, grain: str) -> date:
    return period + timedelta(days=6) if grain == "week" else add_months(period, 1) - timedelta(days=1)


def _respondents(cycle_ids) -> dict[int, int]:
    """Respondents of each of these cycles that has closed (a running one has none to show yet)."""
    return dict(db.session.execute(
        db.select(PulseParticipation.cycle_id, func.count(PulseParticipation.id))
        .join(PulseCycle, PulseCycle.id == PulseParticipation.cycle_id)
        .where(PulseParticipation.cycle_id.in_(list(cycle_ids)), PulseParticipation.answered.is_(True),
               PulseCycle.closed_at.is_not(None))
        .group_by(PulseParticipation.cycle_id)).all())


def comments_for(team_id: int, period: date, grain: str, threshold: int | None = None) -> list[PulseComment] | None:
    """The comments left in a team's own closed cycles of the period, or None when its own group is
    under the comments' threshold (then no comment is shown, not even a count). A comment from a
    cycle that too few answered is left out even then: its thread names the cycle's date. The order
    is shuffled (`anonymity.comment_order`), never the order they were written in."""
    threshold = threshold if threshold is not None else anonymity.min_comment_group_size()
    if not anonymity.shown(own_group_size(team_id, period, grain), threshold):
        return None
    comments = db.session.scalars(
        db.select(PulseComment).join(PulseCycle, PulseCycle.id == PulseComment.cycle_id)
        .where(PulseCycle.team_id == team_id, PulseCycle.opens_on >= period,
               PulseCycle.opens_on <= _period_end(period, grain), PulseCycle.closed_at.is_not(None))).all()
    sizes = _respondents({c.cycle_id for c in comments})
    return sorted((c for c in comments if anonymity.shown(sizes.get(c.cycle_id, 0), threshold)),
                  key=lambda c: anonymity.comment_order(c.cycle_id, c.id))


def comment_visible(comment: PulseComment) -> bool:
    """A comment may be shown (to its team's managers and HR) once its cycle has closed with at
    least the comments' threshold of respondents."""
    return anonymity.shown(_respondents([comment.cycle_id]).get(comment.cycle_id, 0),
                           anonymity.min_comment_group_size())
