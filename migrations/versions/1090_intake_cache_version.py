"""feedback intake: a version of the teams and API tokens, bumped by database triggers, so each
process may keep them for the intake

Revision ID: 1090_intake_cache_version
Revises: 1080_feedback_sources_sync_lease
Create Date: 2026-12-07 20:10:00

The row `cache_versions` ('intake') takes a new version whenever a team is added, removed or
changed in any way, and whenever an API token is added, removed, or its hash, scopes or
revocation change (not its `last_used_at`), whoever writes. Versions never repeat: a sequence on
PostgreSQL (not rolled back with a transaction), random() on SQLite (64 bits). See
flashpoint/versions.py.

A team's managers joining or leaving (`team_managers`) now also moves the people directory's
version (migration 0950), as praise routing keeps every team's managers with the directory.
"""
from alembic import op
import sqlalchemy as sa


revision = '1090_intake_cache_version'
down_revision = '1080_feedback_sources_sync_lease'
branch_labels = None
depends_on = None

# table → the columns whose change matters (None: any column)
WATCHED = {"teams": None, "api_tokens": "token_hash, scopes, revoked_at"}


def upgrade():
    op.create_table('cache_versions',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE cache_versions_seq")
        op.execute("INSERT INTO cache_versions (name, version) VALUES ('intake', nextval('cache_versions_seq'))")
        op.execute("""
            CREATE FUNCTION cache_versions_bump_intake() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE cache_versions SET version = nextval('cache_versions_seq') WHERE name = 'intake';
                RETURN NULL;
            END $$""")
        for table, columns in WATCHED.items():
            update = f"UPDATE OF {columns}" if columns else "UPDATE"
            # Once per statement: a bulk change of 400 teams moves the version once.
            op.execute(f"CREATE TRIGGER {table}_intake_cache AFTER INSERT OR DELETE OR {update} "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump_intake()")
            op.execute(f"CREATE TRIGGER {table}_intake_cache_truncate AFTER TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION cache_versions_bump_intake()")
    else:
        op.execute("INSERT INTO cache_versions (name, version) VALUES ('intake', random())")
        bump = "BEGIN UPDATE cache_versions SET version = random() WHERE name = 'intake'; END"
        for table, columns in WATCHED.items():
            update = f"UPDATE OF {columns}" if columns else "UPDATE"
            op.execute(f"CREATE TRIGGER {table}_intake_cache_insert AFTER INSERT ON {table} {bump}")
            op.execute(f"CREATE TRIGGER {table}_intake_cache_delete AFTER DELETE ON {table} {bump}")
            op.execute(f"CREATE TRIGGER {table}_intake_cache_update AFTER {update} ON {table} {bump}")
    _manager_triggers_up()


def _manager_triggers_up():
    if op.get_bind().dialect.name == "postgresql":
        # people_directory_bump() is migration 0950's.
        op.execute("CREATE TRIGGER team_managers_people_directory AFTER INSERT OR DELETE OR UPDATE "
                   "ON team_managers FOR EACH STATEMENT EXECUTE FUNCTION people_directory_bump()")
        op.execute("CREATE TRIGGER team_managers_people_directory_truncate AFTER TRUNCATE "
                   "ON team_managers FOR EACH STATEMENT EXECUTE FUNCTION people_directory_bump()")
    else:
        bump = "BEGIN UPDATE people_directory SET version = random() WHERE id = 1; END"
        for what in ("insert", "delete", "update"):
            op.execute(f"CREATE TRIGGER team_managers_people_directory_{what} AFTER {what.upper()} "
                       f"ON team_managers {bump}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER team_managers_people_directory ON team_managers")
        op.execute("DROP TRIGGER team_managers_people_directory_truncate ON team_managers")
    else:
        for what in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER team_managers_people_directory_{what}")
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_intake_cache ON {table}")
            op.execute(f"DROP TRIGGER {table}_intake_cache_truncate ON {table}")
        op.execute("DROP FUNCTION cache_versions_bump_intake()")
        op.execute("DROP SEQUENCE cache_versions_seq")
    else:
        for table in WATCHED:
            for what in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_intake_cache_{what}")
    op.drop_table('cache_versions')
