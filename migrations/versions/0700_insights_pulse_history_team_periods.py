"""insights: pulse history and the team-period panel

Revision ID: 0700_insights
Revises: 0002_feedback
Create Date: 2026-11-25 12:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0700_insights'
down_revision = '0002_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pulse_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('driver', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('respondents >= 0', name=op.f('ck_pulse_history_respondents_positive')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_pulse_history_score_range')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pulse_history_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_history')),
    sa.UniqueConstraint('team_id', 'period_start', 'driver', name=op.f('uq_pulse_history_team_id_period_start_driver'))
    )
    op.create_table('insight_team_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('grain', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('csat_n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('csat_good', sa.Integer(), server_default='0', nullable=False),
    sa.Column('nps_n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('nps_promoters', sa.Integer(), server_default='0', nullable=False),
    sa.Column('nps_detractors', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ces_n', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ces_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stories_proactive', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stories_recovery', sa.Integer(), server_default='0', nullable=False),
    sa.Column('engagement_source', sa.String(length=8), nullable=True),
    sa.Column('group_size', sa.Integer(), server_default='0', nullable=False),
    sa.Column('engagement', sa.Float(), nullable=True),
    sa.Column('drivers', sa.JSON(), nullable=False),
    sa.Column('enps', sa.Float(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("grain IN ('week', 'month')", name=op.f('ck_insight_team_periods_grain_known')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_insight_team_periods_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_team_periods')),
    sa.UniqueConstraint('team_id', 'grain', 'period_start', name=op.f('uq_insight_team_periods_team_id_grain_period_start'))
    )
    with op.batch_alter_table('insight_team_periods', schema=None) as batch_op:
        batch_op.create_index('ix_insight_team_periods_grain_period', ['grain', 'period_start'], unique=False)


def downgrade():
    with op.batch_alter_table('insight_team_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_team_periods_grain_period')
    op.drop_table('insight_team_periods')
    op.drop_table('pulse_history')
