"""people: the identity provider's subject (`sub`) of each person who signed in with single sign-on

Revision ID: 1030_people_oidc_subject
Revises: 1020_outbox_sealed_links
Create Date: 2026-12-07 15:30:00

A plain column and a unique index rather than a unique constraint: on SQLite a constraint means
rebuilding the table, which would drop the people_directory triggers on `users`.
"""
import sqlalchemy as sa
from alembic import op


revision = '1030_people_oidc_subject'
down_revision = '1020_outbox_sealed_links'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('oidc_subject', sa.String(length=255), nullable=True))
    op.create_index(op.f('ix_users_oidc_subject'), 'users', ['oidc_subject'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_users_oidc_subject'), table_name='users')
    op.drop_column('users', 'oidc_subject')
