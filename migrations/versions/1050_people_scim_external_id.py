"""people: the identity provider's externalId, remembered by SCIM provisioning

Revision ID: 1050_people_scim_external_id
Revises: 1040_people_audit_events
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '1050_people_scim_external_id'
down_revision = '1040_people_audit_events'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, no batch: on SQLite a batch rebuilds the table and drops the people
    # directory's triggers (see 1030_people_oidc_subject).
    op.add_column('users', sa.Column('scim_external_id', sa.String(length=255), nullable=True))
    op.create_index(op.f('ix_users_scim_external_id'), 'users', ['scim_external_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_users_scim_external_id'), table_name='users')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('scim_external_id')
