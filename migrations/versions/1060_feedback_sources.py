"""feedback: sources (help desks pulled on a schedule, signed webhooks), the items they set aside,
and the person a source credits (feedback_credits)

Revision ID: 1060_feedback_sources
Revises: 1050_people_scim_external_id
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1060_feedback_sources'
down_revision = '1050_people_scim_external_id'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=True),
    sa.Column('cursor', sa.Text(), nullable=True),
    sa.Column('last_sync_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('next_run_at', sa.DateTime(), nullable=True),
    sa.Column('items_taken', sa.Integer(), nullable=False),
    sa.Column('items_set_aside', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('pull', 'webhook')", name=op.f('ck_feedback_sources_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_feedback_sources_name'))
    )
    op.create_table('feedback_set_aside',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_set_aside'))
    )
    op.create_index('ix_feedback_set_aside_item', 'feedback_set_aside', ['source', 'external_id'], unique=True)
    op.create_index('ix_feedback_set_aside_at', 'feedback_set_aside', ['source', 'at'], unique=False)
    op.create_table('feedback_credits',
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_credits_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_credits_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feedback_id', name=op.f('pk_feedback_credits'))
    )
    op.create_index(op.f('ix_feedback_credits_user_id'), 'feedback_credits', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_feedback_credits_user_id'), table_name='feedback_credits')
    op.drop_table('feedback_credits')
    op.drop_index('ix_feedback_set_aside_at', table_name='feedback_set_aside')
    op.drop_index('ix_feedback_set_aside_item', table_name='feedback_set_aside')
    op.drop_table('feedback_set_aside')
    op.drop_table('feedback_sources')
