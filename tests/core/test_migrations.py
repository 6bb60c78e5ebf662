"""Migrations form one line: `db migrate` after a model change, then `init-db`, work as the README says.

Also: `init-db` brings a fresh database and one migrated before the areas' branches were joined
(its alembic_version holding one row per branch head) to the single head.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from flashpoint import create_app
from flashpoint.cli import MIGRATIONS_DIR, upgrade_database
from flashpoint.config import TestConfig
from flashpoint.extensions import db

ROOT = Path(__file__).resolve().parents[2]
# The revision that joined the areas' seven branches into one line.
MERGE = "0800_one_line"

# An app whose models differ from the migrations: a new table, and a new column on teams. It runs
# in its own process, so the suite's metadata stays as the models say.
SCRATCH_APP = textwrap.dedent("""
    import sqlalchemy as sa

    from flashpoint import cli, create_app
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.people import models  # noqa: F401  (defines the teams table changed below)

    cli.MIGRATIONS_DIR = {migrations!r}
    sa.Table("scratch_notes", db.metadata,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("text", sa.String(200), nullable=False))
    db.metadata.tables["teams"].append_column(sa.Column("motto", sa.String(80), nullable=True))
    app = create_app(TestConfig(database_url={url!r}))
""")


def _heads(directory: Path | str) -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(directory))
    return list(ScriptDirectory.from_config(config).get_heads())


def _flask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]), "FLASK_APP": "scratch_app"}
    env.pop("FLASK_DEBUG", None)
    result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _versions(url: str) -> set[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = {row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return rows


def test_the_migrations_have_one_head():
    assert len(_heads(MIGRATIONS_DIR)) == 1, _heads(MIGRATIONS_DIR)


def test_db_migrate_after_a_model_change_then_init_db(tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    (tmp_path / "scratch_app.py").write_text(SCRATCH_APP.format(migrations=str(migrations), url=url))
    heads_before = _heads(migrations)

    _flask(tmp_path, "init-db")  # a developer's database, up to date before the model changed
    _flask(tmp_path, "db", "migrate", "-m", "scratch notes and team mottos")
    _flask(tmp_path, "init-db")

    [new_head] = _heads(migrations)
    assert new_head not in heads_before
    config = Config()
    config.set_main_option("script_location", str(migrations))
    revision = ScriptDirectory.from_config(config).get_revision(new_head)
    assert (revision.down_revision,) == tuple(heads_before)  # on the single line, after the last revision
    assert _versions(url) == {new_head}
    inspector = sa.inspect(sa.create_engine(url))
    assert "scratch_notes" in inspector.get_table_names()
    assert "motto" in {column["name"] for column in inspector.get_columns("teams")}


def _migrated(url: str, *revisions: str) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig(database_url=url))
    with app.app_context():
        if revisions:
            for revision in revisions:
                upgrade(directory=MIGRATIONS_DIR, revision=revision)
        else:
            upgrade_database()
        db.engine.dispose()


def test_init_db_brings_a_fresh_database_and_one_at_the_old_branch_heads_to_the_one_head(tmp_path):
    [head] = _heads(MIGRATIONS_DIR)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    _migrated(fresh)
    assert _versions(fresh) == {head}

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    branch_heads = ScriptDirectory.from_config(config).get_revision(MERGE).down_revision
    assert isinstance(branch_heads, tuple) and len(branch_heads) == 7  # the areas' branches, joined
    deployed = f"sqlite:///{tmp_path / 'deployed.db'}"
    _migrated(deployed, *branch_heads)
    assert _versions(deployed) == set(branch_heads)
    _migrated(deployed)
    assert _versions(deployed) == {head}
    inspector = sa.inspect(sa.create_engine(deployed))
    assert set(inspector.get_table_names()) == set(sa.inspect(sa.create_engine(fresh)).get_table_names())


def test_the_people_directory_triggers_outlive_every_migration(sqlite_template):
    """A migration that rebuilds `users` or `teams` on SQLite (batch mode's copy-and-move, as a unique
    constraint needs) silently drops the triggers that tell every process the people changed."""
    engine = sa.create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as connection:
        triggers = {(row[0], row[1]) for row in connection.execute(sa.text(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%people_directory%'"))}
    engine.dispose()
    assert {table for table, _name in triggers} == {"users", "teams", "team_managers"}, triggers


def test_the_intake_cache_triggers_outlive_every_migration(sqlite_template):
    """The triggers that tell every process its kept teams and API tokens changed (migration 1090)."""
    engine = sa.create_engine(f"sqlite:///{sqlite_template}")
    with engine.connect() as connection:
        triggers = {(row[0], row[1]) for row in connection.execute(sa.text(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%intake_cache%'"))}
    engine.dispose()
    assert triggers == {(table, f"{table}_intake_cache_{what}") for table in ("teams", "api_tokens")
                        for what in ("insert", "delete", "update")}, triggers
