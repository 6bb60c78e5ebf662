"""feedback: notifications indexed by recipient and kind, so praise routing counts each person's earlier messages from the index

Revision ID: 0990_feedback_notification_kind
Revises: 0980_ideas_board_order
Create Date: 2026-12-07 05:40:00

"""
from alembic import op


revision = '0990_feedback_notification_kind'
down_revision = '0980_ideas_board_order'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_recipient_kind', ['recipient_id', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_kind')
