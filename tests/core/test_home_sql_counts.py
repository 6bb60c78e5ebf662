"""Regression guard: the home page costs the same number of SQL statements for HR, a manager and
staff whatever the size of the organisation (teams, people, feedback, ideas), on both databases."""
from __future__ import annotations

import pytest

from tests.factories import make_manager, make_team, make_user
from tests.feedback.factories import make_feedback
from tests.ideas.factories import make_idea
from tests.stories.factories import make_story
from tests.sqlcount import count_statements


def _grow(teams: int, per_team: int) -> None:
    for _ in range(teams):
        team = make_team(None)
        boss = make_manager(team)
        for _ in range(per_team):
            make_user("staff", team)
            make_feedback(team, comment="Lovely service", score=5)
        make_idea(boss, team, title="Open a second till")
        # A story in a team nobody manages falls to HR to approve (the HR home lists them).
        unmanaged = make_team(None)
        make_story(boss, [make_user("staff", unmanaged)])


def _count(app, login, user) -> int:
    client = login(user, test_client=app.test_client())
    client.get("/")  # warm: the first request of a client loads what every later one reuses
    with count_statements() as counted:
        assert client.get("/").status_code == 200
    return len(counted)


@pytest.mark.both_databases
def test_home_statements_do_not_grow_with_the_organisation(db_backend, app, login):
    mine = make_team("mine", "Mine")
    manager, staff, hr = make_manager(mine), make_user("staff", mine), make_user("hr")
    make_feedback(mine, comment="Good", score=5)
    make_idea(staff, mine)
    _grow(2, 2)
    small = {who.email: _count(app, login, who) for who in (hr, manager, staff)}
    _grow(6, 4)
    make_feedback(mine, comment="More", score=4)
    big = {who.email: _count(app, login, who) for who in (hr, manager, staff)}
    assert big == small
