"""outbox: one-time links already waiting in notifications are sealed like new ones

Revision ID: 1020_outbox_sealed_links
Revises: 1010_pulses_sealed_answers
Create Date: 2026-12-07 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1020_outbox_sealed_links'
down_revision = '1010_pulses_sealed_answers'
branch_labels = None
depends_on = None

# As flashpoint.outbox.models.SECRET_URL_PURPOSE (written out: a migration does not follow the code).
PURPOSE = "notification-secret-url"


def upgrade():
    from flask import has_app_context

    if not has_app_context():  # sealing needs the app's SECRET_KEY; `flask db upgrade` has it
        return
    from flashpoint.sealing import PREFIX, seal_text

    notifications = sa.table("notifications", sa.column("id", sa.Integer), sa.column("payload", sa.JSON))
    bind = op.get_bind()
    rows = bind.execute(sa.select(notifications.c.id, notifications.c.payload)
                        .where(sa.cast(notifications.c.payload, sa.Text).like('%"secret_url"%'))).all()
    for note_id, payload in rows:
        url = (payload or {}).get("secret_url")
        if url and not url.startswith(PREFIX):
            bind.execute(notifications.update().where(notifications.c.id == note_id)
                         .values(payload=dict(payload, secret_url=seal_text(PURPOSE, url))))


def downgrade():
    pass  # sealed links keep working: nothing to undo
