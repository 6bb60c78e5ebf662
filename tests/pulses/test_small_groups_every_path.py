"""A small group's answers change nothing anyone can read, on any path.

The strongest form of "cannot be derived by subtraction": if no figure shown anywhere depends on a
small group's answers, no combination of figures (parent minus its teams, a month minus its weeks,
the results page against the insights panel, before and after someone moved) can give them away.

Planted: a team of three inside a department, and a cycle only two people answered in a big team.
Everything a viewer can read — HR's and a manager's home page, /pulses (heatmap, trends, a team's
page, weeks and months), its CSV export, the insights page, its data and exports, and the
correlation API — is collected, the small groups' answers are rewritten to the opposite values
(and the insights panel rebuilt), and everything is collected again: it must be identical. As a
control, rewriting the answers of a group that is shown must change what is read.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engagement.insights import services as insight_services
from engagement.pulses.models import PulseAnswer
from flashpoint.api.services import create_token
from flashpoint.extensions import db
from tests.factories import make_team, make_user
from tests.insights.factories import add_feedback, closed_cycle, csat_scores

NOW = datetime(2026, 11, 17, 10, 0)
OCTOBER = date(2026, 10, 1)
DRIVERS = ("recognition", "tools", "growth", "enps")
RANGE = "from=2026-01-01&to=2026-11-16"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    from engagement.pulses import home, views
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    monkeypatch.setattr(home, "utcnow", lambda: NOW)


def _cycle(team, opens_on, respondents, value, enps):
    answers = {d: [enps if d == "enps" else value] * respondents for d in DRIVERS}
    return closed_cycle(team, opens_on, answers, respondents, closes_at=datetime.combine(opens_on, datetime.min.time())
                        .replace(hour=18))


def _rewrite(cycle_ids, value, enps):
    db.session.execute(sa.update(PulseAnswer).where(PulseAnswer.cycle_id.in_(cycle_ids), PulseAnswer.driver != "enps")
                       .values(value=value))
    db.session.execute(sa.update(PulseAnswer).where(PulseAnswer.cycle_id.in_(cycle_ids), PulseAnswer.driver == "enps")
                       .values(value=enps))
    insight_services.rebuild_panel()
    db.session.commit()


def _normalised(text: str) -> str:
    text = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", text)
    return re.sub(r'<meta name="csrf-token" content="[^"]*"', "", text)


def test_a_small_groups_answers_change_nothing_anyone_can_read(app, login):
    dept = make_team("dept", "Department")
    big1, big2, small = (make_team(s, s.title(), parent=dept) for s in ("big-one", "big-two", "small"))
    other = make_team("other", "Other")
    # A second small team at the top: with two hidden parts the organisation's figure is shown
    # (hidden parts of 3 + 3 people), so the home page has a figure the small teams must not move.
    small_two = make_team("small-two", "Small Two")
    weeks = (date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19))
    shown = [_cycle(big1, weeks[0], 6, 4, 9), _cycle(big2, weeks[0], 6, 3, 8), _cycle(other, weeks[1], 7, 5, 10),
             _cycle(big1, weeks[2], 6, 4, 9)]
    hidden = [_cycle(small, weeks[0], 3, 1, 0),      # a team below the threshold
              _cycle(small_two, weeks[1], 3, 1, 0),
              _cycle(big1, weeks[1], 2, 1, 0)]      # a big team's cycle only two answered
    for team in (big1, big2, small, other):
        add_feedback(team, "csat", csat_scores(80), datetime(2026, 10, 20, 12))
    hr, admin = make_user("hr"), make_user("admin")
    manager = make_user("manager", dept, manages=dept)
    _, token = create_token("analyst", ["insights:read"])
    db.session.commit()
    clients = {}
    for viewer in (hr, admin, manager):
        clients[viewer.role] = login(viewer, test_client=app.test_client())
    api = app.test_client()

    pages = {
        "hr": ["/", "/pulses", "/pulses?grain=month&period=2026-10-01", "/pulses?grain=week&period=2026-10-05",
               "/pulses?grain=week&period=2026-10-12", "/pulses?team=dept&period=2026-10-01",
               "/pulses?team=small&period=2026-10-01", "/pulses?team=big-one&grain=week&period=2026-10-12",
               "/pulses/export.csv", "/pulses/export.csv?grain=week",
               f"/insights?{RANGE}", f"/insights?{RANGE}&grain=week", f"/insights/data.json?{RANGE}",
               f"/insights/data.json?{RANGE}&grain=week", f"/insights/export.csv?{RANGE}&part=points",
               f"/insights/export.csv?{RANGE}&part=figures", f"/insights/export.csv?{RANGE}&grain=week&part=points"],
        "admin": ["/", "/pulses", "/pulses/export.csv"],
        "manager": ["/", "/pulses", "/pulses?grain=week&period=2026-10-12", "/pulses?team=dept&period=2026-10-01",
                    "/pulses/export.csv", "/pulses/export.csv?grain=week"],
    }
    api_queries = [f"{RANGE}", f"{RANGE}&grain=week", f"{RANGE}&lag=1", f"{RANGE}&metric=csat&grain=week&lag=-1"]

    def read_everything() -> dict[str, str]:
        db.session.expire_all()
        seen = {}
        for role, urls in pages.items():
            for url in urls:
                response = clients[role].get(url)
                assert response.status_code == 200, (role, url, response.status_code)
                seen[f"{role} {url}"] = _normalised(response.get_data(as_text=True))
        for query in api_queries:
            response = api.get(f"/api/v1/insights/correlation?{query}", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, (query, response.get_json())
            seen[f"api {query}"] = response.get_data(as_text=True)
        return seen

    before = read_everything()
    # The reading is not empty: the big teams, the API's points and the organisation are there.
    assert "Big-One" in before["hr /pulses?grain=month&period=2026-10-01"]
    assert json.loads(before[f"api {RANGE}"])["n"] == 3 and "Big-One" in before[f"hr /insights?{RANGE}"]
    assert "The organisation" in before["hr /"] and "/ 100 in October" in before["hr /"]

    _rewrite([c.id for c in hidden], 5, 10)
    after = read_everything()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == [], changed

    # Control: the same rewrite on groups that are shown is seen (the reading is sensitive).
    _rewrite([shown[0].id], 1, 0)
    control = read_everything()
    seen = {key.split("?")[0] for key in after if after[key] != control[key]}
    assert {"hr /", "hr /pulses", "hr /pulses/export.csv", "hr /insights", "hr /insights/data.json",
            "hr /insights/export.csv", "manager /pulses", "api from=2026-01-01&to=2026-11-16"} <= seen, seen
