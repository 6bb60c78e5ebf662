"""ideas: an index on (status, implemented_at, id), so "You said, we did" reads its page of
implemented ideas along it instead of sorting them all

Revision ID: 0970_ideas_done_index
Revises: 0960_feedback_list_received
Create Date: 2026-12-07 05:35:00

"""
from alembic import op


revision = '0970_ideas_done_index'
down_revision = '0960_feedback_list_received'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ideas_status_implemented', 'ideas', ['status', 'implemented_at', 'id'])


def downgrade():
    op.drop_index('ix_ideas_status_implemented', table_name='ideas')
