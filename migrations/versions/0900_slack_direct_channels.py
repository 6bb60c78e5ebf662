"""slack: the bot's DM channel per Slack user, kept so conversations.open is called once per person

Revision ID: 0900_slack_direct_channels
Revises: 0820_stories_default_values
Create Date: 2026-12-07 04:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0900_slack_direct_channels'
down_revision = '0820_stories_default_values'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('slack_direct_channels',
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('slack_user_id', name=op.f('pk_slack_direct_channels'))
    )


def downgrade():
    op.drop_table('slack_direct_channels')
