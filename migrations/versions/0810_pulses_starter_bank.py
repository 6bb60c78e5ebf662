"""pulses: the starter question bank, written when the bank is empty

The bank used to be seeded by the first visit to the question-bank page, a GET that wrote rows;
the starter items now exist from this migration on, so reading the page never writes.

Revision ID: 0810_pulses_starter_bank
Revises: 0800_one_line
Create Date: 2026-12-07 04:20:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0810_pulses_starter_bank'
down_revision = '0800_one_line'
branch_labels = None
depends_on = None

pulse_items = sa.table(
    'pulse_items',
    sa.column('driver', sa.String), sa.column('scale', sa.String), sa.column('text', sa.String),
    sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime),
)


def upgrade():
    from engagement.pulses.bank import ENPS_WORDING, STARTER_ITEMS
    from engagement.pulses.models import AGREE5, ENPS, NPS11

    # An install that already has items (seeded by a visit or a cycle, then edited by HR) keeps them.
    if op.get_bind().execute(sa.select(sa.func.count()).select_from(pulse_items)).scalar():
        return
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [dict(driver=driver, scale=AGREE5, text=text, version=1, created_at=now)
            for driver, texts in STARTER_ITEMS.items() for text in texts]
    rows.append(dict(driver=ENPS, scale=NPS11, text=ENPS_WORDING, version=1, created_at=now))
    op.bulk_insert(pulse_items, rows)


def downgrade():
    pass  # the items may have been asked and edited since: they stay
