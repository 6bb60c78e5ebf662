"""Regression guard: the idea board and "You said, we did" cost the same number of SQL statements
whatever the number of ideas, votes and teams, on both databases."""
from __future__ import annotations

import pytest

from engagement.ideas import votes
from flashpoint.extensions import db
from tests.factories import make_manager, make_team, make_user
from tests.ideas.factories import make_idea, move
from tests.sqlcount import count_statements


def _grow(team, boss, n: int) -> None:
    voters = [make_user("staff", team) for _ in range(3)]
    for i in range(n):
        idea = make_idea(voters[i % 3], team, title=f"Idea number {i}", tags=["tills"] if i % 2 else [])
        for voter in voters:
            votes.vote(idea, voter)
        db.session.commit()
        if i % 3 == 0:
            move(idea, boss, "implemented", "Done.", implementers=[voters[0]])


def _count(client, url: str) -> int:
    client.get(url)
    with count_statements() as counted:
        assert client.get(url).status_code == 200
    return len(counted)


@pytest.mark.both_databases
def test_idea_pages_statements_do_not_grow_with_ideas_or_votes(db_backend, app, client, login):
    team = make_team("shop", "Shop")
    boss = make_manager(team)
    _grow(team, boss, 3)
    login(make_user("staff", team))
    urls = ("/ideas", "/ideas?sort=votes", "/ideas?scope=org&page=2", "/ideas/done")
    small = {url: _count(client, url) for url in urls}
    other = make_team("desk", "Desk")
    _grow(other, make_manager(other), 6)
    _grow(team, boss, 45)
    big = {url: _count(client, url) for url in urls}
    assert big["/ideas"] == small["/ideas"] and big["/ideas?sort=votes"] == small["/ideas?sort=votes"]
    assert big["/ideas?scope=org&page=2"] <= small["/ideas"]
    # The done page reads each idea's customer scores before and after (two statements an idea, a
    # page at most): bounded by the page, not by the history.
    assert big["/ideas/done"] <= small["/ideas/done"] + 2 * 20, (small, big)
