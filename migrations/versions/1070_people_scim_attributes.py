"""people: the SCIM attributes a provider sends (kept and given back), a person or team removed by provisioning, a team's externalId

Revision ID: 1070_people_scim_attributes
Revises: 1060_feedback_sources
Create Date: 2026-12-07 17:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1070_people_scim_attributes'
down_revision = '1060_feedback_sources'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, no batch: on SQLite a batch rebuilds the table and drops the people
    # directory's triggers (see 1030_people_oidc_subject).
    op.add_column('users', sa.Column('scim_attributes', sa.JSON(), nullable=True))
    op.add_column('users', sa.Column('scim_removed_at', sa.DateTime(), nullable=True))
    op.add_column('teams', sa.Column('scim_external_id', sa.String(length=255), nullable=True))
    op.add_column('teams', sa.Column('scim_removed_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_teams_scim_external_id'), 'teams', ['scim_external_id'], unique=False)


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch: a rebuild would drop the triggers.
    op.drop_index(op.f('ix_teams_scim_external_id'), table_name='teams')
    for table, column in (('teams', 'scim_removed_at'), ('teams', 'scim_external_id'),
                          ('users', 'scim_removed_at'), ('users', 'scim_attributes')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
