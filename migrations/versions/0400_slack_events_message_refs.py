"""slack: handled events and message references

Revision ID: 0400_slack
Revises: 0002_feedback
Create Date: 2026-11-25 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0400_slack'
down_revision = '0002_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slack_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_slack_events_event_id'))
    )
    with op.batch_alter_table('slack_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_events_received_at'), ['received_at'], unique=False)

    op.create_table('slack_message_refs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('ts', sa.String(length=32), nullable=False),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_slack_message_refs_notification_id_notifications'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_message_refs')),
    sa.UniqueConstraint('channel', 'ts', name=op.f('uq_slack_message_refs_channel_ts'))
    )
    with op.batch_alter_table('slack_message_refs', schema=None) as batch_op:
        batch_op.create_index('ix_slack_message_refs_kind_subject', ['kind', 'subject_id'], unique=False)


def downgrade():
    with op.batch_alter_table('slack_message_refs', schema=None) as batch_op:
        batch_op.drop_index('ix_slack_message_refs_kind_subject')
    op.drop_table('slack_message_refs')
    with op.batch_alter_table('slack_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_events_received_at'))
    op.drop_table('slack_events')
