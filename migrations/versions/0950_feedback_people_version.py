"""feedback: a people version bumped by database triggers, so each process may keep the people directory for praise matching

Revision ID: 0950_feedback_people_version
Revises: 0910_insights_pulse_cells
Create Date: 2026-12-07 05:10:00

The row `people_directory` (id 1) takes a new version whenever a person is added, removed, renamed,
re-nicknamed, moved or (de)activated, and whenever a team is added, removed or moved under another
parent, whoever writes. Versions never repeat: a sequence on PostgreSQL (not rolled back with a
transaction), random() on SQLite (64 bits). See flashpoint/people/directory.py.
"""
from alembic import op
import sqlalchemy as sa


revision = '0950_feedback_people_version'
down_revision = '0910_insights_pulse_cells'
branch_labels = None
depends_on = None

# table → the columns whose change matters to the directory
WATCHED = {"users": "name, nicknames, active, team_id", "teams": "parent_id"}


def upgrade():
    op.create_table('people_directory',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_directory'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE people_directory_version_seq")
        op.execute("INSERT INTO people_directory (id, version) VALUES (1, nextval('people_directory_version_seq'))")
        op.execute("""
            CREATE FUNCTION people_directory_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE people_directory SET version = nextval('people_directory_version_seq') WHERE id = 1;
                RETURN NULL;
            END $$""")
        for table, columns in WATCHED.items():
            # Once per statement: a bulk insert of 5,000 people moves the version once.
            op.execute(f"CREATE TRIGGER {table}_people_directory AFTER INSERT OR DELETE OR UPDATE OF {columns} "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION people_directory_bump()")
            op.execute(f"CREATE TRIGGER {table}_people_directory_truncate AFTER TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION people_directory_bump()")
    else:
        op.execute("INSERT INTO people_directory (id, version) VALUES (1, random())")
        bump = "BEGIN UPDATE people_directory SET version = random() WHERE id = 1; END"
        for table, columns in WATCHED.items():
            op.execute(f"CREATE TRIGGER {table}_people_directory_insert AFTER INSERT ON {table} {bump}")
            op.execute(f"CREATE TRIGGER {table}_people_directory_delete AFTER DELETE ON {table} {bump}")
            op.execute(f"CREATE TRIGGER {table}_people_directory_update AFTER UPDATE OF {columns} ON {table} {bump}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_people_directory ON {table}")
            op.execute(f"DROP TRIGGER {table}_people_directory_truncate ON {table}")
        op.execute("DROP FUNCTION people_directory_bump()")
        op.execute("DROP SEQUENCE people_directory_version_seq")
    else:
        for table in WATCHED:
            for what in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {table}_people_directory_{what}")
    op.drop_table('people_directory')
