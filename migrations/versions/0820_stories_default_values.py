"""stories: the default company values, written when the list is empty

The values used to be seeded by the first reading of the list (the nomination form, the values
page, the Slack modal), a read that wrote rows; they now exist from this migration on, so reading
values never writes.

Revision ID: 0820_stories_default_values
Revises: 0810_pulses_starter_bank
Create Date: 2026-12-07 04:30:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0820_stories_default_values'
down_revision = '0810_pulses_starter_bank'
branch_labels = None
depends_on = None

company_values = sa.table(
    'company_values',
    sa.column('name', sa.String), sa.column('description', sa.String), sa.column('active', sa.Boolean),
    sa.column('position', sa.Integer), sa.column('created_at', sa.DateTime),
)


def upgrade():
    from recognition.stories.values import DEFAULT_VALUES

    # An install that already has values (seeded by a first reading, then edited by HR) keeps them.
    if op.get_bind().execute(sa.select(sa.func.count()).select_from(company_values)).scalar():
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(company_values, [
        dict(name=name, description=description, active=True, position=position, created_at=now)
        for position, (name, description) in enumerate(DEFAULT_VALUES)])


def downgrade():
    pass  # the values may be on stories and edited since: they stay
