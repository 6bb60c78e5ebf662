"""The team-period panel, maintained incrementally as feedback, pulses and history arrive.

Feedback adds to exact counts with atomic increments (safe when several workers receive items for
the same team at once); each announcement from the intake (`feedback_received`) is summed per
team-period first, so a large import costs two statements per batch, not two per item; engagement is recomputed for the one team-period a closed cycle or an
imported history row touches. `rebuild()` recomputes everything from raw rows; the incremental path
must always equal it (the tests check this).
"""
from __future__ import annotations

import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from engagement.insights import live
from engagement.insights.figures import EngagementFigures
from engagement.insights.models import GRAINS, PulseHistory, TeamPeriod
from engagement.insights.periods import period_end, starts_for
from engagement.pulses import anonymity
from engagement.pulses.models import PulseCycle
from flashpoint import collector
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback


def customer_increments(metric: str, score: int) -> dict[str, int]:
    """What one rating adds to the stored counts (CSAT 4-5 good; NPS 9-10 / 0-6; CES summed)."""
    if metric == "csat":
        return {"csat_n": 1, "csat_good": int(score >= 4)}
    if metric == "nps":
        return {"nps_n": 1, "nps_promoters": int(score >= 9), "nps_detractors": int(score <= 6)}
    if metric == "ces":
        return {"ces_n": 1, "ces_sum": int(score)}
    return {}


COUNTERS = ("csat_n", "csat_good", "nps_n", "nps_promoters", "nps_detractors", "ces_n", "ces_sum",
            "stories_proactive", "stories_recovery")
_table = TeamPeriod.__table__


def _insert_ignoring_duplicates():
    """INSERT … ON CONFLICT DO NOTHING on the database in use (SQLite and PostgreSQL both have it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(_table)


def _ensure_row(team_id: int, grain: str, start: date) -> None:
    stmt = _insert_ignoring_duplicates().values(
        team_id=team_id, grain=grain, period_start=start, drivers={}, updated_at=utcnow(), group_size=0,
        **{name: 0 for name in COUNTERS},
    ).on_conflict_do_nothing(index_elements=["team_id", "grain", "period_start"])
    db.session.execute(stmt)


# One statement shape for every increment (compiled once), each counter moved by its own bound amount.
_INCREMENT = (
    _table.update()
    .where(_table.c.team_id == sa.bindparam("b_team"), _table.c.grain == sa.bindparam("b_grain"),
           _table.c.period_start == sa.bindparam("b_start"))
    .values({**{name: _table.c[name] + sa.bindparam(f"d_{name}") for name in COUNTERS},
             "updated_at": sa.bindparam("b_now")})
)


def _increment(team_id: int, day, amounts: dict[str, int]) -> None:
    """Add `amounts` to the counters of the week and month of `team_id` containing `day`, atomically."""
    _increment_periods({(team_id, grain, start): amounts for grain, start in starts_for(day).items()})


def _increment_periods(totals: dict[tuple, dict[str, int]]) -> None:
    """Add each (team_id, grain, period_start) → amounts to its row, atomically, creating missing rows.

    Two statements whatever the number of rows: create the missing rows (a concurrent creator is
    harmless), then the increments. Keys go in sorted order so concurrent writers lock rows in the
    same order (no deadlock).
    """
    if not totals:
        return
    now = utcnow()
    keys = sorted(totals)
    db.session.execute(
        _insert_ignoring_duplicates().on_conflict_do_nothing(index_elements=["team_id", "grain", "period_start"]),
        [dict(team_id=team_id, grain=grain, period_start=start, drivers={}, updated_at=now, group_size=0,
              **{name: 0 for name in COUNTERS}) for team_id, grain, start in keys])
    db.session.execute(_INCREMENT, [
        {"b_team": team_id, "b_grain": grain, "b_start": start, "b_now": now,
         **{f"d_{name}": totals[(team_id, grain, start)].get(name, 0) for name in COUNTERS}}
        for team_id, grain, start in keys])


def record_feedback(team_id: int, metric: str, score: int, received_at) -> None:
    """Add one feedback item to its team's week and month (exact, atomic increments)."""
    increments = customer_increments(metric, score)
    if increments:
        _increment(team_id, received_at, increments)


def record_feedback_batch(items) -> None:
    """Add many feedback items at once: their counts summed per team-period, one increment each.

    Same atomic increments as `record_feedback`, so concurrent writers stay exact; a 500-item
    batch touches a few dozen rows instead of issuing a thousand updates.
    """
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in items:
        increments = customer_increments(item.metric, item.score)
        if not increments:
            continue
        for grain, start in starts_for(item.received_at).items():
            bucket = totals[(item.team_id, grain, start)]
            for name, amount in increments.items():
                bucket[name] += amount
    _increment_periods(totals)


@lru_cache(maxsize=None)
def _feedback_upsert(dialect: str):
    """The receiver's statement, built once per database kind (building it costs more than running it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    upsert = insert(_table)
    return upsert.on_conflict_do_update(
        index_elements=["team_id", "grain", "period_start"],
        set_={**{name: _table.c[name] + upsert.excluded[name] for name in COUNTERS},
              "updated_at": upsert.excluded.updated_at})


def on_feedback_received(_sender, items, **_extra) -> None:
    """The items' counts summed per team-period, then one upsert statement for the whole
    announcement: rows missing are created, rows there are incremented in the database
    (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, atomic on SQLite and PostgreSQL, so
    concurrent writers stay exact; keys in sorted order so they lock rows in the same order).

    Runs inside the intake's transaction: the counts commit (or roll back) with the items themselves.
    """
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item in items:
        increments = customer_increments(item.metric, item.score)
        for grain, start in (starts_for(item.received_at).items() if increments else ()):
            bucket = totals[(item.team_id, grain, start)]
            for name, amount in increments.items():
                bucket[name] += amount
    if not totals:
        return
    now = utcnow()
    db.session.execute(_feedback_upsert(db.session.get_bind().dialect.name), [
        dict(team_id=team_id, grain=grain, period_start=start, drivers={}, updated_at=now, group_size=0,
             **{name: totals[(team_id, grain, start)].get(name, 0) for name in COUNTERS})
        for team_id, grain, start in sorted(totals)])


def story_teams(story) -> set[int]:
    """The teams of a story's heroes (a story with heroes in two teams counts for both)."""
    return {hero.team_id for hero in story.heroes if hero.team_id is not None}


def record_story(team_id: int, kind: str, approved_at) -> None:
    _increment(team_id, approved_at, {"stories_proactive" if kind == "proactive" else "stories_recovery": 1})


def on_story_approved(_sender, story, **_extra) -> None:
    for team_id in story_teams(story):
        record_story(team_id, story.kind, story.approved_at or utcnow())


# --- Engagement -------------------------------------------------------------------------------

def history_figures(rows) -> EngagementFigures | None:
    """Engagement from imported history rows of one team-period.

    Each driver's score is the respondent-weighted mean of its rows, the engagement the
    respondent-weighted mean of all driver scores, and the group size the largest `respondents`
    (rows count the same people answering different drivers, so they are not added up). A row
    given by fewer people than the threshold counts in no score, as a small cycle does
    (`anonymity.shown`): beside the drivers shown, it would be the engagement's remainder.
    """
    rows = list(rows)
    if not rows:
        return None
    threshold = anonymity.min_group_size()
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        if not anonymity.shown(row.respondents, threshold):
            continue
        weighted[row.driver][0] += row.score * row.respondents
        weighted[row.driver][1] += row.respondents
    total = sum(w for _, w in weighted.values())
    drivers = {key: s / w for key, (s, w) in weighted.items() if w > 0}
    engagement = sum(s for s, _ in weighted.values()) / total if total > 0 else None
    return EngagementFigures("history", max(row.respondents for row in rows), engagement, drivers)


def _choose(live_figures: EngagementFigures | None, history: EngagementFigures | None):
    # Live answers win where both exist: history is what came before live pulses began.
    if live_figures is not None and live_figures.group_size > 0:
        return live_figures
    return history


def _engagement_values(figures: EngagementFigures | None) -> dict:
    return dict(engagement_source=figures.source if figures else None,
                group_size=figures.group_size if figures else 0,
                engagement=figures.engagement if figures else None,
                drivers=dict(figures.drivers) if figures else {},
                enps=figures.enps if figures else None)


def _pulse_values(closed, history_rows) -> dict:
    """A team-period's engagement columns and kept pulse sums from its closed cycles' (cell, group
    size, cycles) and its imported history rows."""
    cell, group, cycles = closed if closed is not None else (None, 0, 0)
    live_figures = live.figures_from_cell(cell, group) if closed is not None else None
    values = _engagement_values(_choose(live_figures, history_figures(history_rows)))
    values.update(pulse_cycles=cycles, pulse_cell=cell.vector() if cell is not None else None)
    return values


# A team-period with neither closed cycles nor history: engagement_source, group_size, engagement,
# drivers, enps, pulse_cycles, pulse_cell (the rebuild's columns after the counters).
_NO_PULSES = (None, 0, None, {}, None, 0, None)


def _rebuilt_pulse_columns(closed, history_rows) -> tuple:
    """`_pulse_values` as the rebuild's columns, from a team-period's (cell vector, group size,
    cycles) as `live.closed_cells_at_once` sums them and its history rows."""
    if closed is None and not history_rows:
        return _NO_PULSES
    vector, group, cycles = closed if closed is not None else (None, 0, 0)
    figures = _choose(live.figures_from_vector(vector, group) if closed is not None else None,
                      history_figures(history_rows) if history_rows else None)
    if figures is None:
        return (None, 0, None, {}, None, cycles, vector)
    return (figures.source, figures.group_size, figures.engagement, dict(figures.drivers), figures.enps,
            cycles, vector)


def refresh_team_periods(keys) -> None:
    """Recompute the engagement of the given (team_id, grain, period_start) rows, in a few queries."""
    keys = set(keys)
    if not keys:
        return
    team_ids = {team_id for team_id, _, _ in keys}
    first = min(start for _, _, start in keys)
    last = max(period_end(start, grain) for _, grain, start in keys)
    history: dict[tuple, list] = defaultdict(list)
    for row in db.session.scalars(sa.select(PulseHistory).where(
            PulseHistory.team_id.in_(team_ids), PulseHistory.period_start >= first, PulseHistory.period_start < last)):
        for grain, start in starts_for(row.period_start).items():
            history[(row.team_id, grain, start)].append(row)
    closed = live.closed_cells(PulseCycle.team_id.in_(sorted(team_ids)), PulseCycle.opens_on >= first,
                               PulseCycle.opens_on < last)
    for team_id, grain, start in keys:
        _ensure_row(team_id, grain, start)
    existing = {
        (row.team_id, row.grain, row.period_start): row
        for row in db.session.scalars(sa.select(TeamPeriod).where(
            TeamPeriod.team_id.in_(team_ids), TeamPeriod.period_start >= first, TeamPeriod.period_start < last))
    }
    now = utcnow()
    for key in keys:
        row = existing[key]
        for name, value in _pulse_values(closed.get(key), history.get(key, [])).items():
            setattr(row, name, value)
        row.updated_at = now
    db.session.flush()


def refresh_engagement(team_id: int, day: date) -> None:
    """Recompute the engagement of the week and the month of `team_id` containing `day`."""
    refresh_team_periods({(team_id, grain, start) for grain, start in starts_for(day).items()})


# --- Full recomputation ------------------------------------------------------------------------

def rebuild() -> int:
    """Recompute the whole panel from raw feedback, live pulses and history. Returns rows written.

    Aggregates in the database (one GROUP BY pass over feedback, one over pulse answers and one
    over participations), streaming the grouped rows: memory follows the panel's size, not the
    number of feedback items or answers. The caller commits. Used by the demo, `rebuild-insights`,
    and tests comparing it to the incremental path.
    """
    db.session.flush()  # the grouped reads below go through the connection, past the session's autoflush
    # Tens of thousands of grouped rows, cells and panel rows are made and none is garbage: left
    # running, the cycle collector walked the whole heap again and again (a third of the CPU time).
    with collector.paused():
        keys = _rebuild()
    db.session.expire_all()  # panel objects loaded before the rebuild are stale now
    return keys


def _rebuild() -> int:
    feedback, stories_query = _feedback_query(), _story_query()
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    with ThreadPoolExecutor(max_workers=2) as beside:
        if _may_read_beside():
            # The feedback's grouping (the longest read) and the stories' run on two more
            # connections while this one empties the panel and reads the pulses: PostgreSQL works on
            # all three at once, as it spreads the aggregate pass's scan over parallel workers.
            engine = db.engine
            counts_beside = beside.submit(_counts_beside, _feedback_counts, engine, feedback)
            stories_beside = beside.submit(_counts_beside, _story_counts, engine, stories_query)
        else:
            counts_beside = stories_beside = None
        db.session.execute(sa.delete(TeamPeriod).execution_options(synchronize_session=False))
        if counts_beside is None:
            counts = _counts(_feedback_counts, db.session.connection(), feedback)
            stories = _counts(_story_counts, db.session.connection(), stories_query)
        history: dict[tuple, list] = defaultdict(list)
        for row in db.session.scalars(sa.select(PulseHistory)):
            for grain, start in starts_for(row.period_start).items():
                history[(row.team_id, grain, start)].append(row)
        closed = live.closed_cells_at_once()
        # The pulse columns are worked out (and on PostgreSQL their JSON written) while the feedback
        # is still being grouped beside.
        as_written = _json_text() if postgresql else _as_is
        pulses = {key: as_written(_rebuilt_pulse_columns(closed.get(key), history.get(key)))
                  for key in closed.keys() | history.keys()}
        del closed, history
        if counts_beside is not None:
            counts, stories = counts_beside.result(), stories_beside.result()
    for key, row in stories.items():
        found = counts.get(key)
        if found is None:
            counts[key] = row
        else:
            found[_PROACTIVE] += row[_PROACTIVE]
            found[_RECOVERY] += row[_RECOVERY]
    keys = sorted(counts.keys() | pulses.keys())
    now = utcnow()
    no_counts, no_pulses = (0,) * len(COUNTERS), as_written(_NO_PULSES)
    rows = []
    with (_copied() if postgresql else _inserted()) as write:
        for key in keys:
            # One tuple per row in _WRITTEN's order (a dict per row and its updates were a third of
            # the writing's time).
            rows.append((*key, *counts.get(key, no_counts), *pulses.get(key, no_pulses), now))
            if len(rows) >= 2000:
                write(rows)
                rows = []
        write(rows)
    return len(keys)


# The columns the rebuild writes, in order (the id comes from its sequence).
_WRITTEN = ("team_id", "grain", "period_start", *COUNTERS, "engagement_source", "group_size", "engagement",
            "drivers", "enps", "pulse_cycles", "pulse_cell", "updated_at")
_DRIVERS_AT, _CELL_AT = (_WRITTEN.index(name) - _WRITTEN.index("engagement_source") for name in ("drivers", "pulse_cell"))


def _as_is(columns: tuple) -> tuple:
    return columns


def _json_text():
    """The pulse columns with drivers and the cell as JSON text, as the executemany writes them (the
    engine's serializer; None as JSON null, as the JSON type stores it): COPY takes text."""
    serialize = db.engine.dialect._json_serializer or json.dumps

    def as_text(columns: tuple) -> tuple:
        columns = list(columns)
        columns[_DRIVERS_AT] = serialize(columns[_DRIVERS_AT])
        columns[_CELL_AT] = serialize(columns[_CELL_AT])
        return tuple(columns)
    return as_text


@contextmanager
def _inserted():
    """Rows written in batches by Core's executemany: every row has the same columns, so each batch is
    one statement (the ORM's bulk insert split them by which values were None: thousands of
    statements of a few rows)."""
    insert = _table.insert()

    def write(rows: list[tuple]) -> None:
        if rows:
            db.session.execute(insert, [dict(zip(_WRITTEN, row)) for row in rows])
    yield write


@contextmanager
def _copied():
    """On PostgreSQL, rows streamed into one COPY (their JSON already text): psycopg's executemany
    sends one INSERT per row (in a pipeline), 13,000 statements at a quarter of the organisation,
    each parsed, planned and answered."""
    with db.session.connection().connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {_table.name} ({', '.join(_WRITTEN)}) FROM STDIN") as copy:
        def write(rows: list[tuple]) -> None:
            for row in rows:
                copy.write_row(row)
        yield write


def _period_columns(column):
    """SQL expressions grouping a timestamp column by week (Monday) and month, and a memo turning
    each pair of grouped values into the dates of the week's and the month's starts."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Two date_trunc over every row were most of the grouping's time. The week is a day count
        # from 1 January of year 1 (a Monday) divided by 7; the month is the Monday's own or, when
        # the day of the month is not past the weekday, the next (a week spans at most two months).
        days = sa.cast(column, sa.Date) - sa.literal(date.min, sa.Date)
        return days // 7, sa.func.date_part("day", column) > days % 7, _week_numbers()
    # SQLite: 'weekday 0' moves to the next Sunday (or stays on one), six days back is its Monday.
    return sa.func.date(column, "weekday 0", "-6 days"), sa.func.date(column, "start of month"), _dates()


def _week_numbers():
    """The memo for PostgreSQL's (week number, same month as its Monday) pairs."""
    memo: dict = {}

    def starts(week: int, same_month: bool) -> tuple[date, date]:
        found = memo.get((week, same_month))
        if found is None:
            monday = date.fromordinal(1 + 7 * week)
            month = monday.replace(day=1)
            if not same_month:
                month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            found = memo[(week, same_month)] = (monday, month)
        return found
    return starts


def _dates():
    """A memo turning the period starts SQLite gives (text) into dates: a two-year history has only
    a hundred weeks and two dozen months among its groups."""
    memo: dict = {}

    def starts(week: str, month: str) -> tuple[date, date]:
        found = memo.get((week, month))
        if found is None:
            found = memo[(week, month)] = (date.fromisoformat(week), date.fromisoformat(month))
        return found
    return starts


def _may_read_beside() -> bool:
    """May the rebuild read on a second connection? On PostgreSQL, when this transaction has written
    nothing yet (it has no transaction id): another connection then sees the same rows, as each
    statement here (read committed) sees the rows committed when it starts."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    return db.session.connection().exec_driver_sql("SELECT pg_current_xact_id_if_assigned()").scalar() is None


def _counts(add, connection, query) -> dict[tuple, list[int]]:
    """(team, grain, start) → the COUNTERS in order, as `add` finds them in the rows of `query` (a
    statement and the memo turning its grouped periods into dates)."""
    counts: dict[tuple, list[int]] = {}
    statement, starts = query
    add(counts, connection.execute(statement), starts)
    return counts


def _counts_beside(add, engine, query) -> dict[tuple, list[int]]:
    with engine.connect() as connection:
        _room_to_group(connection)
        return _counts(add, connection, query)


# PostgreSQL's default working memory (4 MB) is far below what grouping two years of feedback by
# week takes (about 45 MB for 100,000 groups at full size): the planner, which cannot estimate groups
# of computed weeks, hashed them in 17 batches spilled to disk (0.89 s; 0.68 s in memory).
REBUILD_WORK_MEM = "64MB"


def _room_to_group(connection) -> None:
    """Working memory for the rebuild's groupings, for this transaction only (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'")


def _feedback_query():
    """The GROUP BY over the feedback (by week and month together: a week across two months is two
    groups) and the memo turning its grouped periods into dates."""
    week, month, starts = _period_columns(Feedback.received_at)
    score, metric = Feedback.score, Feedback.metric

    def counted(*conditions, value=1):
        return sa.func.sum(sa.case((sa.and_(*conditions), value), else_=0))

    # The customer counters in COUNTERS' order, one row per team and period: grouped by metric too,
    # there were twice the rows, and turning rows into counters is the Python the rebuild waits for.
    customer = (counted(metric == "csat"), counted(metric == "csat", score >= 4),
                counted(metric == "nps"), counted(metric == "nps", score >= 9), counted(metric == "nps", score <= 6),
                counted(metric == "ces"), counted(metric == "ces", value=score))
    assert len(customer) == _CUSTOMER
    # Plain rows from the connection: the ORM's result machinery cost as much as the grouping.
    return (sa.select(Feedback.team_id, week, month, *customer)
            # Periods first: grouped by team first, SQLite walks the (team, received) index and looks
            # every row up (twice the time of reading the table through and sorting the groups).
            .group_by(week, month, Feedback.team_id)
            .execution_options(yield_per=5000)), starts


def _feedback_counts(counts: dict[tuple, list[int]], result, starts) -> None:
    """Customer counts per (team, grain, period start) added to `counts` (COUNTERS in order) from
    the feedback's grouped rows, added up per grain."""
    rest = [0] * (len(COUNTERS) - _CUSTOMER)
    for team_id, week, month, *amounts in result:
        week_start, month_start = starts(week, month)
        week_key = (team_id, "week", week_start)
        row = counts.get(week_key)
        if row is None:
            counts[week_key] = [*map(int, amounts), *rest]
        else:  # a week across two months comes as two rows
            for j, amount in enumerate(amounts):
                row[j] += int(amount)
        month_key = (team_id, "month", month_start)
        row = counts.get(month_key)
        if row is None:
            counts[month_key] = [*map(int, amounts), *rest]
        else:
            for j, amount in enumerate(amounts):
                row[j] += int(amount)


# The customer counters lead COUNTERS (csat_n … ces_sum); the stories' follow.
_CUSTOMER = COUNTERS.index("ces_sum") + 1
_PROACTIVE, _RECOVERY = COUNTERS.index("stories_proactive"), COUNTERS.index("stories_recovery")


def _story_query():
    """Approved stories counted by hero's team, kind, week and month together (a story falls in one
    week and one month; it counts once per team), and the memo turning the periods into dates."""
    from recognition.stories.models import HeroStory, story_heroes
    from flashpoint.people.models import User

    week, month, starts = _period_columns(sa.func.coalesce(HeroStory.approved_at, HeroStory.created_at))
    return (sa.select(User.team_id, HeroStory.kind, week, month, sa.func.count(sa.distinct(HeroStory.id)))
            .join(story_heroes, story_heroes.c.story_id == HeroStory.id)
            .join(User, User.id == story_heroes.c.user_id)
            .where(HeroStory.state == "approved", User.team_id.is_not(None))
            .group_by(User.team_id, HeroStory.kind, week, month)), starts


def _story_counts(counts: dict[tuple, list[int]], result, starts) -> None:
    """Approved stories per (hero's team, grain, period of approval) added to `counts` from the
    grouped rows, added up per grain."""
    width = len(COUNTERS)
    for team_id, kind, week, month, n in result:
        j = _PROACTIVE if kind == "proactive" else _RECOVERY
        week_start, month_start = starts(week, month)
        for key in ((team_id, "week", week_start), (team_id, "month", month_start)):
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0] * width
            row[j] += n


def on_cycle_closed(_sender, cycle, **_extra) -> None:
    # Inside the closing transaction: the refreshed engagement commits with the closure.
    refresh_engagement(cycle.team_id, cycle.opens_on)
