"""hero stories, company values, claps, praise matches and dismissals

Revision ID: 0200_stories
Revises: 0002_feedback
Create Date: 2026-11-25 12:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0200_stories'
down_revision = '0002_feedback'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_values')),
    sa.UniqueConstraint('name', name=op.f('uq_company_values_name'))
    )
    op.create_table('hero_stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nominator_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('proactive', 'recovery')", name=op.f('ck_hero_stories_kind_known')),
    sa.CheckConstraint("state IN ('pending', 'approved', 'declined')", name=op.f('ck_hero_stories_state_known')),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_hero_stories_approver_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_hero_stories_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_hero_stories_feedback_id_feedback'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['nominator_id'], ['users.id'], name=op.f('fk_hero_stories_nominator_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hero_stories'))
    )
    with op.batch_alter_table('hero_stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hero_stories_approver_id'), ['approver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hero_stories_feedback_id'), ['feedback_id'], unique=False)
        batch_op.create_index('ix_hero_stories_state_approved', ['state', 'approved_at'], unique=False)
        batch_op.create_index('ix_hero_stories_state_created', ['state', 'created_at'], unique=False)

    op.create_table('story_heroes',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['hero_stories.id'], name=op.f('fk_story_heroes_story_id_hero_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_story_heroes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'user_id', name=op.f('pk_story_heroes'))
    )
    with op.batch_alter_table('story_heroes', schema=None) as batch_op:
        batch_op.create_index('ix_story_heroes_user', ['user_id'], unique=False)

    op.create_table('story_values',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('value_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['hero_stories.id'], name=op.f('fk_story_values_story_id_hero_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['value_id'], ['company_values.id'], name=op.f('fk_story_values_value_id_company_values'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'value_id', name=op.f('pk_story_values'))
    )
    op.create_table('story_claps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('web', 'slack')", name=op.f('ck_story_claps_source_known')),
    sa.ForeignKeyConstraint(['story_id'], ['hero_stories.id'], name=op.f('fk_story_claps_story_id_hero_stories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_story_claps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_claps')),
    sa.UniqueConstraint('story_id', 'user_id', name=op.f('uq_story_claps_story_id_user_id'))
    )
    op.create_table('praise_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('candidate', sa.Boolean(), nullable=False),
    sa.Column('matched_on', sa.String(length=200), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_praise_matches_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_praise_matches_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_praise_matches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_praise_matches')),
    sa.UniqueConstraint('feedback_id', 'user_id', name=op.f('uq_praise_matches_feedback_id_user_id'))
    )
    with op.batch_alter_table('praise_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_praise_matches_feedback_id'), ['feedback_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_praise_matches_user_id'), ['user_id'], unique=False)

    op.create_table('praise_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_praise_dismissals_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_praise_dismissals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_praise_dismissals')),
    sa.UniqueConstraint('feedback_id', 'user_id', name=op.f('uq_praise_dismissals_feedback_id_user_id'))
    )


def downgrade():
    op.drop_table('praise_dismissals')
    with op.batch_alter_table('praise_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_praise_matches_user_id'))
        batch_op.drop_index(batch_op.f('ix_praise_matches_feedback_id'))
    op.drop_table('praise_matches')
    op.drop_table('story_claps')
    op.drop_table('story_values')
    with op.batch_alter_table('story_heroes', schema=None) as batch_op:
        batch_op.drop_index('ix_story_heroes_user')
    op.drop_table('story_heroes')
    with op.batch_alter_table('hero_stories', schema=None) as batch_op:
        batch_op.drop_index('ix_hero_stories_state_created')
        batch_op.drop_index('ix_hero_stories_state_approved')
        batch_op.drop_index(batch_op.f('ix_hero_stories_feedback_id'))
        batch_op.drop_index(batch_op.f('ix_hero_stories_approver_id'))
    op.drop_table('hero_stories')
    op.drop_table('company_values')
