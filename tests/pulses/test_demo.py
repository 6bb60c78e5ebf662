"""The demo's year of pulses: every team, differing trends, small teams hidden, quickly loaded."""
from __future__ import annotations

import random
import time

import sqlalchemy as sa

from engagement.pulses import results
from engagement.pulses.demo import SMALL_TEAMS, load_pulses
from engagement.pulses.models import PulseAnswer, PulseCycle
from flashpoint.people.demo import load_people
from flashpoint.extensions import db
from flashpoint.people.models import Team


def test_demo_gives_every_team_a_year_of_cycles_with_different_trends(app):
    load_people(random.Random("people"))
    started = time.monotonic()
    load_pulses(random.Random("pulses"))
    db.session.commit()
    assert time.monotonic() - started < 30
    teams = [t for t in db.session.scalars(sa.select(Team)) if t.parent_id and not t.children]
    per_team = dict(db.session.execute(sa.select(PulseCycle.team_id, sa.func.count(PulseCycle.id))
                                       .group_by(PulseCycle.team_id)).all())
    assert all(per_team.get(t.id, 0) >= 50 for t in teams)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseAnswer)) > 10_000

    table = results.compute("month")
    periods = sorted(table)
    first, last = periods[1], periods[-2]
    changes = {}
    for team in teams:
        a, b = table[first].get(team.id), table[last].get(team.id)
        if team.slug in SMALL_TEAMS:
            assert all(table[p][team.id].engagement.hidden == "small" for p in periods if team.id in table[p])
        elif a and b and a.engagement.shown and b.engagement.shown:
            changes[team.slug] = b.engagement.value - a.engagement.value
    assert max(changes.values()) > 3 and min(changes.values()) < -3  # some improve, some decline
