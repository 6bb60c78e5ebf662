"""people: the identity provider's subject (`sub`) of each person who signed in with single sign-on

Revision ID: 1030_people_oidc_subject
Revises: 1020_outbox_sealed_links
Create Date: 2026-12-07 15:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1030_people_oidc_subject'
down_revision = '1020_outbox_sealed_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_oidc_subject'), ['oidc_subject'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_oidc_subject'), type_='unique')
        batch_op.drop_column('oidc_subject')
