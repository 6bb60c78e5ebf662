"""one line: the areas' migration branches joined, so every later revision follows this one

Revision ID: 0800_one_line
Revises: 0100_api_tokens, 0200_stories, 0300_notifications, 0400_slack, 0500_ideas, 0601_pulses_answer_index, 0700_insights
Create Date: 2026-12-07 04:10:00

"""

# revision identifiers, used by Alembic.
revision = '0800_one_line'
down_revision = ('0100_api_tokens', '0200_stories', '0300_notifications', '0400_slack', '0500_ideas',
                 '0601_pulses_answer_index', '0700_insights')
branch_labels = None
depends_on = None


def upgrade():
    pass  # a merge: the schema is the union of the branches it joins


def downgrade():
    pass
