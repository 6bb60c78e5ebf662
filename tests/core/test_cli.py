"""The shell's commands: create-team, create-user, demo and init-db."""
import random
import shutil

import pytest

from flashpoint import create_app
from flashpoint.config import TestConfig

from flashpoint.demo import DEMO_PASSWORD, DEMO_SEED
from flashpoint.registry import demo_steps
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from tests.factories import make_team, make_user


def test_create_team_and_a_department(runner):
    assert runner.invoke(args=["create-team", "stores", "--name", "Stores"]).exit_code == 0
    result = runner.invoke(args=["create-team", "store-a", "--name", "Store A", "--parent", "stores"])
    assert result.exit_code == 0 and "store-a" in result.output
    team = db.session.scalar(db.select(Team).where(Team.slug == "store-a"))
    assert team.parent.slug == "stores"


@pytest.mark.parametrize("args,message", [
    (["create-team", "taken", "--name", "Again"], "already exists"),
    (["create-team", "Bad Slug", "--name", "X"], "is not a valid team slug"),
    (["create-team", "orphan", "--name", "X", "--parent", "nowhere"], "There is no team 'nowhere'"),
    (["create-team", "blank", "--name", "  "], "A team needs a name."),
])
def test_create_team_refuses_bad_input(runner, args, message):
    make_team("taken")
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 1


def test_create_user_manager_with_team_manages_and_belongs_to_it(runner):
    team = make_team("care")
    result = runner.invoke(args=["create-user", "Maya@Example.test", "--name", "Maya Lindqvist", "--role", "manager",
                                 "--team", "care", "--password", "a long password", "--slack-id", "U0MAYA",
                                 "--timezone", "Europe/Stockholm"])
    assert result.exit_code == 0, result.output
    maya = db.session.scalar(db.select(User).where(User.email == "maya@example.test"))
    assert maya.team == team and maya.managed_teams == [team]
    assert maya.check_password("a long password") and maya.timezone == "Europe/Stockholm"


@pytest.mark.parametrize("args,message,code", [
    (["create-user", "taken@example.test", "--name", "X", "--role", "staff"], "already has an account", 1),
    (["create-user", "nope", "--name", "X", "--role", "staff"], "not a valid e-mail address", 1),
    (["create-user", "a@example.test", "--name", "X", "--role", "boss"], "'boss' is not one of", 2),
    (["create-user", "a@example.test", "--name", "X", "--role", "staff", "--team", "nowhere"], "no team 'nowhere'", 1),
    (["create-user", "a@example.test", "--name", "X", "--role", "staff", "--password", "short"], "at least 10", 1),
    (["create-user", "a@example.test", "--name", "X", "--role", "staff", "--timezone", "Moon/Base"],
     "is not a time zone", 1),
    (["create-user", "a@example.test", "--name", "X", "--role", "staff", "--slack-id", "bad id"],
     "does not look like a Slack user id", 1),
])
def test_create_user_refuses_bad_input(runner, args, message, code):
    make_user("staff", email="taken@example.test")
    result = runner.invoke(args=args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_demo_loads_a_believable_organisation_and_prints_the_logins(demo_database, demo_app):
    for role in ("admin", "hr", "manager", "staff"):
        assert f"{role}@demo.flashpoint.test" in demo_database.output
    assert DEMO_PASSWORD in demo_database.output
    teams = db.session.scalars(db.select(Team)).all()
    departments = [t for t in teams if t.parent is None]
    assert len(departments) == 3
    assert len([t for t in teams if t.parent is not None]) == 12
    people = db.session.scalars(db.select(User)).all()
    assert 100 <= len(people) <= 140
    assert {u.role for u in people} == {"staff", "manager", "hr", "admin"}
    assert all(t.managers for t in teams)  # every team and department has a manager
    for role in ("admin", "hr", "manager", "staff"):
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@demo.flashpoint.test"))
        assert user.role == role and user.check_password(DEMO_PASSWORD)
    # Names from several cultures, not one list repeated.
    assert len({u.name.split()[0] for u in people}) > 40


def _people_snapshot():
    people = db.session.scalars(db.select(User).order_by(User.email)).all()
    teams = db.session.scalars(db.select(Team).order_by(Team.slug)).all()
    return ([(u.email, u.name, u.role, u.team.slug if u.team else None, u.slack_user_id, u.timezone,
              u.nicknames) for u in people],
            [(t.slug, t.parent.slug if t.parent else None, t.form_metric, [m.email for m in t.managers])
             for t in teams])


def test_demo_people_are_the_same_every_time(app, sqlite_template, tmp_path, demo_database):
    """The people step is seeded: two empty databases get exactly the same organisation."""
    people_step = next(step for step in demo_steps(app) if step.name == "people")
    snapshots = []
    for n in range(2):
        path = tmp_path / f"run{n}.db"
        shutil.copy(sqlite_template, path)
        other = create_app(TestConfig(database_url=f"sqlite:///{path}"))
        with other.app_context():
            people_step.load(random.Random(f"{DEMO_SEED}-people"))
            db.session.commit()
            snapshots.append(_people_snapshot())
            db.session.remove()
            db.engine.dispose()
    assert snapshots[0] == snapshots[1]
    # ...and it is what the `demo` command itself loaded.
    shutil.copy(demo_database.path, tmp_path / "demo.db")
    full = create_app(TestConfig(database_url=f"sqlite:///{tmp_path / 'demo.db'}"))
    with full.app_context():
        assert _people_snapshot() == snapshots[0]
        db.session.remove()
        db.engine.dispose()


def test_demo_does_nothing_when_data_exists(runner):
    make_team("existing")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "Data already exists" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_demo_does_nothing_when_only_a_first_admin_exists(runner):
    created = runner.invoke(args=["create-user", "boss@example.com", "--name", "Boss", "--role", "admin"])
    assert created.exit_code == 0, created.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "Data already exists" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 0


def test_init_db_is_idempotent(runner):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output
