"""feedback list: an index on (received_at, id), so HR's list reads a page, deep or not, along it
instead of sorting every item

Revision ID: 0960_feedback_list_received
Revises: 0950_feedback_people_version
Create Date: 2026-12-07 05:30:00

"""
from alembic import op


revision = '0960_feedback_list_received'
down_revision = '0950_feedback_people_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_feedback_received', 'feedback', ['received_at', 'id'])


def downgrade():
    op.drop_index('ix_feedback_received', table_name='feedback')
