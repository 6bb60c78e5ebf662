"""insights: the panel keeps each team-period's pulse sums of closed cycles, which /pulses reads
instead of every answer (`flask rebuild-insights` fills them for existing history; until then
/pulses sums those team-periods from the answers, as before)

Revision ID: 0910_insights_pulse_cells
Revises: 0900_slack_direct_channels
Create Date: 2026-12-07 05:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0910_insights_pulse_cells'
down_revision = '0900_slack_direct_channels'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('insight_team_periods') as batch_op:
        batch_op.add_column(sa.Column('pulse_cycles', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pulse_cell', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('insight_team_periods') as batch_op:
        batch_op.drop_column('pulse_cell')
        batch_op.drop_column('pulse_cycles')
