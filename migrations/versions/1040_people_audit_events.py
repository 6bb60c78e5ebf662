"""people: an audit log of what was done with people's data (exports, erasures)

Revision ID: 1040_people_audit_events
Revises: 1030_people_oidc_subject
Create Date: 2026-12-07 15:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1040_people_audit_events'
down_revision = '1030_people_oidc_subject'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=200), nullable=False),
        sa.Column('subject_label', sa.String(length=200), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_audit_events_subject_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
    op.drop_table('audit_events')
