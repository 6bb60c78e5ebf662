"""people: a session generation per person, bumped by signing out, so a copied session cookie stops working

Revision ID: 1000_people_session_generation
Revises: 0990_feedback_notification_kind
Create Date: 2026-12-07 14:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1000_people_session_generation'
down_revision = '0990_feedback_notification_kind'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
