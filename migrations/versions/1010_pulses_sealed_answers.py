"""pulses: answers to an open cycle wait sealed in pulse_sealed_answers until it closes

Revision ID: 1010_pulses_sealed_answers
Revises: 1000_people_session_generation
Create Date: 2026-12-07 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1010_pulses_sealed_answers'
down_revision = '1000_people_session_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pulse_sealed_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['pulse_cycles.id'], name=op.f('fk_pulse_sealed_answers_cycle_id_pulse_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_sealed_answers')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('pulse_sealed_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_sealed_answers_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pulse_sealed_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_sealed_answers_cycle_id'))
    op.drop_table('pulse_sealed_answers')
