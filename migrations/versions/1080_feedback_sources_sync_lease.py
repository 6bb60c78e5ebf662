"""feedback sources: when the running sync of each source started, so two syncs of one source
(the command while the scheduler's duty runs) do not run at once

Revision ID: 1080_feedback_sources_sync_lease
Revises: 1070_people_scim_attributes
Create Date: 2026-12-07 18:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1080_feedback_sources_sync_lease'
down_revision = '1070_people_scim_attributes'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('feedback_sources', sa.Column('sync_started_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('feedback_sources') as batch_op:
        batch_op.drop_column('sync_started_at')
