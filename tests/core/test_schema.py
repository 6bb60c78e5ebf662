"""The migrated schema is exactly what the models say, on SQLite and PostgreSQL.

This guards every area's migrations: a model change without its migration fails here.
"""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from flashpoint.extensions import db


@pytest.mark.both_databases
def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "the models and the migrations differ:\n" + "\n".join(map(str, differences))


@pytest.mark.both_databases
def test_migration_revision_ids_are_unique_and_every_parent_exists(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    revisions = list(script.walk_revisions())  # raises if a down_revision points nowhere
    assert revisions, "no migrations"
    ids = [r.revision for r in revisions]
    assert len(ids) == len(set(ids)), "two migrations share a revision id"
