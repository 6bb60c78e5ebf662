"""The organisation generator (bench/org.py) at a tiny scale: consistent rows the app serves."""
from __future__ import annotations


import pytest
import sqlalchemy as sa

from flashpoint import create_app
from flashpoint.config import TestConfig
from flashpoint.extensions import db
from tests.bench import scripts
from tests.conftest import csrf_token_from

PAGES = ["/", "/heroes", "/praise", "/pulses", "/insights", "/ideas", "/feedback"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    org = scripts.load("org")
    path = tmp_path_factory.mktemp("org") / "org.db"
    figures = org.generate(f"sqlite:///{path}", 0.002, seed=7, out=lambda *_: None)
    return org, f"sqlite:///{path}", figures


def _count(conn, sql: str) -> int:
    return conn.execute(sa.text(sql)).scalar()


def test_rows_written_are_the_rows_counted(generated):
    _org, url, figures = generated
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table, expected in figures["rows"].items():
            assert _count(conn, f'SELECT count(*) FROM "{table}"') == expected, table
    engine.dispose()
    rows = figures["rows"]
    # Scale 0.002 of 2,000,000 items (a Poisson draw), two departments, teams big enough to pulse.
    assert 3600 <= rows["feedback"] <= 4400
    assert rows["praise_matches"] > 0 and rows["story_claps"] > 0 and rows["idea_votes"] > 0
    assert rows["insight_team_periods"] > 0


def test_rows_hang_together(generated):
    _org, url, _figures = generated
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        # The load skips the per-row key lookups; every key must hold all the same.
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        # Praise names people of the feedback's own team.
        assert _count(conn, "SELECT count(*) FROM praise_matches m JOIN feedback f ON f.id = m.feedback_id "
                            "JOIN users u ON u.id = m.user_id WHERE u.team_id <> f.team_id") == 0
        assert _count(conn, "SELECT count(*) FROM praise_matches m JOIN feedback f ON f.id = m.feedback_id "
                            "WHERE NOT f.positive") == 0
        # Every team has a manager who is one of its members.
        assert _count(conn, "SELECT count(*) FROM teams t WHERE t.slug <> 'head-office' AND NOT EXISTS "
                            "(SELECT 1 FROM team_managers m JOIN users u ON u.id = m.user_id "
                            "WHERE m.team_id = t.id AND u.team_id = t.id)") == 0
        # Decided stories say who decided and when; approved ones when they were approved.
        assert _count(conn, "SELECT count(*) FROM hero_stories WHERE state <> 'pending' "
                            "AND (decided_by_id IS NULL OR decided_at IS NULL)") == 0
        assert _count(conn, "SELECT count(*) FROM hero_stories WHERE (state = 'approved') <> "
                            "(approved_at IS NOT NULL)") == 0
        assert _count(conn, "SELECT count(*) FROM story_claps c JOIN story_heroes h "
                            "ON h.story_id = c.story_id AND h.user_id = c.user_id") == 0
        # Each person who answered a cycle answered each of its questions, and nobody else did.
        assert _count(conn, """
            SELECT count(*) FROM pulse_cycles c WHERE
              (SELECT count(*) FROM pulse_answers a WHERE a.cycle_id = c.id) <>
              (SELECT count(*) FROM pulse_participations p WHERE p.cycle_id = c.id AND p.answered)
              * (SELECT count(*) FROM pulse_cycle_items i WHERE i.cycle_id = c.id)""") == 0
        assert _count(conn, "SELECT count(*) FROM pulse_cycles WHERE closed_at IS NULL") == 0
        assert _count(conn, "SELECT count(*) FROM ideas i JOIN ideas d ON d.id = i.duplicate_of_id "
                            "WHERE d.id >= i.id") == 0
    engine.dispose()


@pytest.mark.parametrize("email", ["hr@org.test", "manager@org.test"])
def test_the_app_serves_the_generated_organisation(generated, email):
    org, url, _figures = generated
    app = create_app(TestConfig(database_url=url))
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": org.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    for path in PAGES:
        # Insights are HR's page: a manager is refused, as anywhere.
        expected = 403 if path == "/insights" and email.startswith("manager") else 200
        assert client.get(path).status_code == expected, path
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
