"""Regression guard: /pulses costs the same number of SQL statements whatever the number of answers,
cycles or teams' history, for HR and for the manager of one team, on both databases.

Closed cycles are read as the sums the insights panel keeps; open cycles are summed in three
aggregate statements whatever their number.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engagement.pulses import results
from engagement.pulses.rotation import add_months, month_start
from flashpoint.extensions import db
from engagement.insights.models import TeamPeriod
from tests.factories import make_manager, make_team, make_user
from tests.insights.factories import closed_cycle
from tests.pulses.test_results import answered_cycle, people
from tests.sqlcount import count_statements


def _history(team, months: int, per_month: int, respondents: int) -> None:
    """Closed weekly cycles of `team` over the last `months` months (answered by `respondents`)."""
    this_month = month_start(date.today())
    for m in range(1, months + 1):
        first = add_months(this_month, -m)
        for w in range(per_month):
            closed_cycle(team, first + timedelta(days=7 * w),
                         {"recognition": [4] * respondents, "growth": [3] * respondents, "enps": [9] * respondents},
                         respondents=respondents)


def _grow(mine, n_teams: int, months: int, per_month: int) -> None:
    """Add teams (one under the manager's team) and history to every team, and open cycles."""
    dept = make_team(None, "Department")
    others = [make_team(None, parent=dept) for _ in range(n_teams)]
    sub = make_team(None, "Sub-team", parent=mine)
    for team in others + [sub, mine]:
        people(team, 4)
        _history(team, months, per_month, respondents=4)
    for team in others[:2] + [sub]:
        answered_cycle(team, 3, 4)


def _count(client, url: str) -> int:
    client.get(url)  # warm: the first request of a client loads what every later one reuses
    with count_statements() as counted:
        assert client.get(url).status_code == 200
    return counted


@pytest.mark.both_databases
def test_pulses_statements_do_not_grow_with_answers_cycles_or_teams(db_backend, app, login):
    mine = make_team("mine", "Mine")
    people(mine, 4)
    manager = make_manager(mine)
    hr = make_user("hr")
    _history(mine, 1, 1, respondents=4)
    answered_cycle(mine, 3, 4)
    db.session.commit()
    as_hr, as_manager = login(hr, test_client=app.test_client()), login(manager, test_client=app.test_client())
    before = {url: (_count(as_hr, url), _count(as_manager, url))
              for url in ("/pulses", "/pulses?grain=week")}

    _grow(mine, n_teams=5, months=3, per_month=3)
    db.session.commit()
    for url, (hr_count, manager_count) in before.items():
        grown_hr, grown_manager = _count(as_hr, url), _count(as_manager, url)
        assert len(grown_hr) == len(hr_count), (hr_count, grown_hr)
        assert len(grown_manager) == len(manager_count), (manager_count, grown_manager)
    assert len(hr_count) <= 20 and len(manager_count) <= 20


@pytest.mark.both_databases
def test_kept_sums_give_the_figures_of_the_answers(db_backend, app):
    """/pulses read from the panel's kept sums equals the same figures summed from every answer."""
    dept = make_team("dept", "Department")
    teams = [make_team(f"t{i}", parent=dept) for i in range(3)]
    for i, team in enumerate(teams):
        people(team, 5)
        _history(team, 2, 2, respondents=5 - i)   # t2: 3 respondents, a small group under the threshold
    answered_cycle(teams[0], 4, 5)
    db.session.commit()
    kept = results.compute("month")
    db.session.execute(db.update(TeamPeriod).values(pulse_cycles=0, pulse_cell=None))  # as before a rebuild
    summed = results.compute("month")
    assert kept and kept == summed
    week_kept = results.compute("week", first=results.period_start(date.today(), "week") - timedelta(weeks=11))
    assert week_kept
