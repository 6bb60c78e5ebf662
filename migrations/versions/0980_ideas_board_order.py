"""ideas: indexes on (created_at, id) and (updated_at, id), so the board reads a page, deep or not,
along them instead of sorting every idea

Revision ID: 0980_ideas_board_order
Revises: 0970_ideas_done_index
Create Date: 2026-12-07 05:45:00

"""
from alembic import op


revision = '0980_ideas_board_order'
down_revision = '0970_ideas_done_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ideas_created', 'ideas', ['created_at', 'id'])
    op.create_index('ix_ideas_updated', 'ideas', ['updated_at', 'id'])


def downgrade():
    op.drop_index('ix_ideas_updated', table_name='ideas')
    op.drop_index('ix_ideas_created', table_name='ideas')
