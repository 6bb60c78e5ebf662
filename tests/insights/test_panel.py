"""The team-period panel: exact customer counts from the intake, engagement from history and live
pulses, the anonymity threshold, and the incremental path always equal to a full rebuild."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engagement.insights import panel
from engagement.insights.analysis import Panel
from engagement.insights.models import TeamPeriod
from flashpoint.extensions import db
from tests.factories import make_team
from tests.insights.factories import add_feedback, closed_cycle, import_history


def _row(team, grain, start):
    return db.session.scalar(sa.select(TeamPeriod).where(
        TeamPeriod.team_id == team.id, TeamPeriod.grain == grain, TeamPeriod.period_start == start))


def _snapshot():
    db.session.expire_all()
    rows = db.session.scalars(sa.select(TeamPeriod)).all()
    out = {}
    for r in rows:
        out[(r.team_id, r.grain, r.period_start)] = (
            r.csat_n, r.csat_good, r.nps_n, r.nps_promoters, r.nps_detractors, r.ces_n, r.ces_sum,
            r.stories_proactive, r.stories_recovery, r.engagement_source, r.group_size,
            None if r.engagement is None else round(r.engagement, 9),
            {k: round(v, 9) for k, v in (r.drivers or {}).items()},
            None if r.enps is None else round(r.enps, 9))
    return out


@pytest.mark.both_databases
def test_feedback_from_the_intake_updates_its_week_and_month_exactly(db_backend, app):
    team = make_team("front")
    add_feedback(team, "csat", [5, 4, 3, 1, 5, 4], datetime(2026, 3, 4, 10))   # Wednesday
    add_feedback(team, "nps", [10, 9, 8, 6, 0], datetime(2026, 3, 31, 23, 50))
    add_feedback(team, "ces", [7, 6, 2], datetime(2026, 4, 1, 0, 0))
    march = _row(team, "month", date(2026, 3, 1))
    assert (march.csat_n, march.csat_good) == (6, 4)
    assert (march.nps_n, march.nps_promoters, march.nps_detractors) == (5, 2, 2)
    assert march.customer_score("csat", 5) == pytest.approx(400 / 6)
    assert march.customer_score("nps", 5) == 0.0
    assert march.customer_score("ces", 5) is None  # CES landed in April (UTC dates)
    april = _row(team, "month", date(2026, 4, 1))
    assert (april.ces_n, april.ces_sum) == (3, 15)
    assert april.customer_score("ces", 5) is None  # fewer than 5 items: no score
    week = _row(team, "week", date(2026, 3, 2))  # the Monday of 4 March 2026
    assert week.csat_n == 6 and week.nps_n == 0


def test_history_engagement_is_respondent_weighted_and_group_is_the_largest_respondents(app):
    team = make_team("hist")
    import_history([("hist", "2026-02-01", "recognition", 80, 10),
                    ("hist", "2026-02-01", "tools", 50.5, 6),
                    ("hist", "2026-02-15", "recognition", 60, 8)])
    month = _row(team, "month", date(2026, 2, 1))
    assert month.engagement_source == "history"
    assert month.group_size == 10
    assert month.engagement == pytest.approx((80 * 10 + 50.5 * 6 + 60 * 8) / 24)
    assert month.drivers["recognition"] == pytest.approx((80 * 10 + 60 * 8) / 18)
    assert month.drivers["tools"] == pytest.approx(50.5)
    week = _row(team, "week", date(2026, 1, 26))  # 1 Feb 2026 is a Sunday
    assert week.engagement == pytest.approx((80 * 10 + 50.5 * 6) / 16)


def test_a_closed_cycle_refreshes_engagement_drivers_and_enps_of_its_opening_period(app):
    team = make_team("live")
    closed_cycle(team, date(2026, 5, 29), {"recognition": [5, 4, 4, 3, 5], "tools": [1, 2, 3, 4, 5],
                                            "enps": [10, 9, 7, 3, 9]}, respondents=5,
                 closes_at=datetime(2026, 6, 3, 9))
    may = _row(team, "month", date(2026, 5, 1))
    values = [5, 4, 4, 3, 5, 1, 2, 3, 4, 5]
    assert may.engagement_source == "live" and may.group_size == 5
    assert may.engagement == pytest.approx(sum((a - 1) * 25 for a in values) / len(values))
    assert may.drivers == pytest.approx({"recognition": 80.0, "tools": 50.0})
    assert may.enps == pytest.approx(100 * (3 - 1) / 5)
    assert _row(team, "month", date(2026, 6, 1)) is None  # it belongs to the month it opened in


def test_team_periods_below_the_threshold_enter_nothing(app):
    big, small = make_team("big"), make_team("small")
    import_history([("big", "2026-01-01", "recognition", 70, 5), ("small", "2026-01-01", "recognition", 90, 4)])
    add_feedback(big, "csat", [5] * 6, date(2026, 1, 10))
    add_feedback(small, "csat", [5] * 6, date(2026, 1, 10))
    reading = Panel("month", date(2026, 1, 1), date(2026, 1, 31))
    points = reading.points("csat", 0, date(2026, 1, 1), date(2026, 1, 31))
    assert [p.team.slug for p in points] == ["big"]


def test_a_lowered_threshold_shows_small_history_after_a_rebuild(app):
    """A history row under the threshold counts in no score (as a small cycle), so lowering the
    setting shows it once the panel is rebuilt, as for live pulses."""
    make_team("four")
    import_history([("four", "2026-01-01", "recognition", 70, 4)])
    assert Panel("month", date(2026, 1, 1), date(2026, 1, 31)).engagement_rows(date(2026, 1, 1), date(2026, 1, 31)) == []
    app.config["PULSE_MIN_GROUP_SIZE"] = 3
    assert Panel("month", date(2026, 1, 1), date(2026, 1, 31)).engagement_rows(date(2026, 1, 1), date(2026, 1, 31)) == []
    panel.rebuild()
    db.session.commit()
    assert len(Panel("month", date(2026, 1, 1), date(2026, 1, 31)).engagement_rows(date(2026, 1, 1), date(2026, 1, 31))) == 1


@pytest.mark.both_databases
def test_incremental_panel_equals_a_full_rebuild(db_backend, app):
    a, b = make_team("alpha"), make_team("beta")
    import_history([("alpha", "2025-11-01", "recognition", 61.5, 9), ("alpha", "2025-11-01", "growth", 70, 7),
                    ("beta", "2025-11-10", "recognition", 40, 6)])
    add_feedback(a, "csat", [5, 4, 2, 5, 5, 1], datetime(2025, 11, 3, 8))
    add_feedback(b, "nps", [10, 3, 9, 9, 7], datetime(2025, 11, 30, 23, 30))
    add_feedback(b, "ces", [6, 7, 5], datetime(2025, 12, 1, 0, 30))
    closed_cycle(a, date(2025, 12, 8), {"recognition": [4, 4, 5, 2, 3], "enps": [9, 9, 10, 5, 6]}, respondents=5)
    closed_cycle(a, date(2025, 11, 20), {"growth": [2, 3, 3, 4, 4, 5]}, respondents=6)  # live wins in November
    import_history([("alpha", "2025-11-01", "recognition", 64, 9)])  # a replaced row
    incremental = _snapshot()
    assert incremental[(a.id, "month", date(2025, 11, 1))][9] == "live"
    panel.rebuild()
    db.session.commit()
    assert _snapshot() == incremental


def _every_column():
    """Every panel row, every column but the id and the time, exactly (JSON as the repr of its values,
    so 0 and 0.0 differ; drivers in key order)."""
    db.session.expire_all()
    columns = [c for c in TeamPeriod.__table__.c if c.name not in ("id", "updated_at")]
    return {(row.team_id, row.grain, row.period_start): tuple(
                repr(sorted(row.drivers.items())) if c.name == "drivers"
                else repr(row.pulse_cell) if c.name == "pulse_cell" else getattr(row, c.name)
                for c in columns)
            for row in db.session.execute(sa.select(*columns))}


@pytest.mark.both_databases
def test_a_rebuild_writes_every_column_as_the_incremental_path_does(db_backend, app):
    """The rebuild sums cycles as arrays, groups feedback by week number on PostgreSQL and writes by
    COPY there: the same panel, column for column, as the cycles, history and feedback one by one."""
    a, b = make_team("alpha"), make_team("beta")
    # Feedback around the edges of weeks and months: a Sunday night, the Monday after, a week
    # spanning December and January, and Tuesday 1 July (its Monday in June).
    add_feedback(a, "csat", [4, 1], datetime(2025, 7, 1, 8, 0))
    add_feedback(a, "csat", [5, 4, 2], datetime(2025, 11, 30, 23, 30))
    add_feedback(a, "nps", [10, 3, 9], datetime(2025, 12, 1, 0, 0))
    add_feedback(b, "ces", [6, 7, 5], datetime(2025, 12, 31, 23, 59))
    add_feedback(b, "nps", [0, 9, 10, 6], datetime(2026, 1, 1, 0, 0))
    add_feedback(b, "csat", [1, 5], datetime(2026, 1, 4, 23, 59))
    # Two cycles in one month, one of them too small to add answers; one with eNPS only.
    closed_cycle(a, date(2025, 12, 8), {"recognition": [4, 4, 5, 2, 3], "tools": [1, 2, 5, 5, 3],
                                        "enps": [9, 9, 10, 5, 6]}, respondents=5)
    closed_cycle(a, date(2025, 12, 16), {"recognition": [1, 2], "enps": [0, 10]}, respondents=2)
    closed_cycle(b, date(2025, 12, 29), {"enps": [10, 10, 7, 3, 9, 9]}, respondents=6)
    # History alone, and history under live answers (live wins).
    import_history([("beta", "2025-11-01", "recognition", 61.5, 9), ("beta", "2025-11-01", "growth", 70.25, 7),
                    ("alpha", "2025-12-01", "growth", 40, 6)])
    incremental = _every_column()
    assert _row(a, "month", date(2025, 12, 1)).engagement_source == "live"
    panel.rebuild()
    db.session.commit()
    assert _every_column() == incremental


@pytest.mark.both_databases
def test_a_rebuild_counts_what_its_own_transaction_has_written(db_backend, app):
    """On PostgreSQL the rebuild reads feedback and stories on other connections only while its own
    transaction has written nothing: those would not see its rows."""
    from recognition.feedback.intake import receive_feedback

    team = make_team("own")
    db.session.commit()
    assert panel._may_read_beside() is (db_backend == "postgres")
    receive_feedback({"external_id": "own-1", "received_at": "2026-02-10T10:00:00", "team": "own",
                      "metric": "csat", "score": 5}, "api")
    db.session.flush()
    assert not panel._may_read_beside()
    panel.rebuild()
    assert (_row(team, "month", date(2026, 2, 1)).csat_n, _row(team, "week", date(2026, 2, 9)).csat_good) == (1, 1)
    db.session.rollback()


def test_approved_hero_stories_count_for_their_heroes_teams_and_match_a_rebuild(app, runner):
    from flashpoint.timeutil import utcnow
    from recognition.stories.approvals import nominate
    from recognition.stories.values import active_values
    from tests.factories import make_manager, make_user

    shop, depot = make_team("shop"), make_team("depot")
    boss = make_manager(shop)
    a, b = make_user("staff", shop), make_user("staff", shop)
    value = [active_values()[0].id]
    nominate(boss, [a.id], "Stayed late to fix a customer's order before the wedding.", "recovery", value)
    nominate(boss, [a.id, b.id], "Noticed a regular's birthday and sang.", "proactive", value)
    db.session.commit()
    month = _row(shop, "month", utcnow().date().replace(day=1))
    assert (month.stories_proactive, month.stories_recovery) == (1, 1)
    assert _row(depot, "month", utcnow().date().replace(day=1)) is None
    incremental = _snapshot()
    result = runner.invoke(args=["rebuild-insights"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert _snapshot() == incremental


@pytest.mark.postgres
def test_concurrent_feedback_for_a_new_team_period_is_counted_exactly(db_backend, app):
    import threading

    from recognition.feedback.intake import receive_feedback

    team = make_team("busy")
    barrier = threading.Barrier(4)
    failures = []

    def send(worker: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for i in range(15):
                    receive_feedback({"external_id": f"c-{worker}-{i}", "received_at": "2026-02-10T10:00:00",
                                      "team": "busy", "metric": "csat", "score": 5 if i % 3 else 2}, "api")
                    db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    db.session.expire_all()
    month = _row(team, "month", date(2026, 2, 1))
    assert (month.csat_n, month.csat_good) == (60, 40)
    incremental = _snapshot()
    panel.rebuild()
    db.session.commit()
    assert _snapshot() == incremental


@pytest.mark.postgres
def test_the_rebuilds_working_memory_ends_with_its_reads(db_backend, app):
    """The groupings beside get more working memory for their own transaction only: the pooled
    connections they go back to keep the server's setting."""
    make_team("room")
    db.session.commit()
    default = db.session.execute(sa.text("SHOW work_mem")).scalar()
    seen = []
    real = panel._counts

    def counts_and_setting(add, connection, query):
        seen.append(connection.exec_driver_sql("SHOW work_mem").scalar())
        return real(add, connection, query)

    panel._counts = counts_and_setting
    try:
        panel.rebuild()
        db.session.commit()
    finally:
        panel._counts = real
    assert seen == [panel.REBUILD_WORK_MEM] * 2  # feedback and stories, each on its own connection
    connections = [db.engine.connect() for _ in range(db.engine.pool.size() + 2)]  # every pooled one
    try:
        assert {c.exec_driver_sql("SHOW work_mem").scalar() for c in connections} == {default}
    finally:
        for c in connections:
            c.close()
