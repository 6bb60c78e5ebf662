"""pulses: a covering index for results over pulse answers

Revision ID: 0601_pulses_answer_index
Revises: 0600_pulses
Create Date: 2026-11-25 12:58:00

"""
from alembic import op


revision = '0601_pulses_answer_index'
down_revision = '0600_pulses'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.create_index('ix_pulse_answers_cycle_driver_value', ['cycle_id', 'driver', 'value'], unique=False)
        batch_op.drop_index(batch_op.f('ix_pulse_answers_cycle_id'))


def downgrade():
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_answers_cycle_id'), ['cycle_id'], unique=False)
        batch_op.drop_index('ix_pulse_answers_cycle_driver_value')
