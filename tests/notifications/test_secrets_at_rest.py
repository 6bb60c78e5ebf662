"""One-time links at rest: after a pulse invitation, a password reset and a welcome link have been
recorded and delivered, no table of the database holds any of their tokens in the clear, yet the
e-mails carry working links and each recipient (and nobody else) finds theirs in the app."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engagement.pulses import cycles, delivery as pulse_delivery
from flashpoint.extensions import db
from flashpoint.notifications import services
from flashpoint.timeutil import utcnow
from tests.factories import make_team, make_user
from tests.notifications.factories import deliver


def _everything_stored() -> str:
    """Every value of every row of every table, as text."""
    inspector = sa.inspect(db.engine)
    parts = []
    for table in inspector.get_table_names():
        for row in db.session.execute(sa.text(f'SELECT * FROM "{table}"')):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)


@pytest.mark.both_databases
def test_no_one_time_token_is_stored_in_the_clear(app, client, login, mailbox, db_backend):
    team = make_team("secrets", "Secrets")
    sam, kim, lee = (make_user("staff", team, name=name) for name in ("Sam Lee", "Kim Roe", "Lee Poe"))
    now = utcnow()
    cycles.pulse_now([team.slug], now)
    pulse_delivery.send_due_invitations(now)
    _, reset_token = services.issue_account_link(kim, "reset", now, hand_over=False)
    _, welcome_token = services.issue_account_link(lee, "invitation", now, hand_over=False)
    db.session.commit()
    counts = deliver()
    assert counts.get("sent", 0) >= 5, counts

    [invitation] = [m for m in mailbox.to(sam.email) if "/pulse/" in m.text]
    pulse_token = re.search(r"/pulse/([0-9a-f]{64})", invitation.text).group(1)
    assert any(reset_token in m.text for m in mailbox.to(kim.email))
    assert any(welcome_token in m.text for m in mailbox.to(lee.email))

    stored = _everything_stored()
    for token in (pulse_token, reset_token, welcome_token):
        assert token not in stored
    # The e-mailed link works, and the recipient's own notifications show the same link.
    assert client.get(f"/pulse/{pulse_token}").status_code == 200
    login(sam)
    assert f"/pulse/{pulse_token}" in client.get("/notifications").get_data(as_text=True)
    admin = login(make_user("admin"), test_client=app.test_client())
    html = admin.get("/admin/outbox").get_data(as_text=True)
    assert pulse_token not in html and "a one-time link, shown to the recipient only" in html
