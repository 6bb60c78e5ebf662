"""Demo sources: a signed webhook ("typeform") with a few deliveries taken in, so /admin/sources shows
a realistic status table. Nothing is set aside: a webhook refuses a bad item (400) rather than keeping
it aside, which only pulled sources do. Runs once, with the rest of the demo."""
from __future__ import annotations

import random
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.intake import receive_json
from recognition.feedback.sources.webhooks import create_webhook, record_delivery

NAME = "typeform"
COMMENTS = ["Quick and friendly, thank you.", "Found what I needed in minutes.",
            "Waited a while but the answer was right.", "Lovely service at the counter."]


def load_sources(rng: random.Random) -> None:
    now = utcnow().replace(second=0, microsecond=0)
    source = create_webhook(NAME).source  # its secret is never shown: the demo sends nothing itself
    team = db.session.scalar(db.select(Team.slug).where(Team.slug == "store-downtown")) or db.session.scalar(
        db.select(Team.slug).where(Team.parent_id.isnot(None)).order_by(Team.slug))
    for index, comment in enumerate(COMMENTS):
        at = now - timedelta(hours=6 * (len(COMMENTS) - index))
        _, created = receive_json({"external_id": f"demo-{index + 1}", "received_at": at.isoformat(), "team": team,
                                   "metric": "csat", "score": rng.choice([4, 5, 5, 3]), "comment": comment},
                                  "api", source=NAME)
        record_delivery(source, created, at)
