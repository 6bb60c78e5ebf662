"""Demo sources: a signed webhook ("typeform") with a few deliveries taken in and one item set aside,
so /admin/sources shows a realistic status table. Runs once, with the rest of the demo."""
from __future__ import annotations

import json
import random
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow
from recognition.feedback.intake import receive_json
from recognition.feedback.sources.models import FeedbackSetAside
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
    db.session.add(FeedbackSetAside(
        source=NAME, external_id=f"{NAME}:demo-unmapped", at=now - timedelta(hours=2),
        reason="No team 'pop-up-market': map it to a team, or send a known team's slug.",
        payload=json.dumps({"external_id": "demo-unmapped", "received_at": (now - timedelta(hours=2)).isoformat(),
                            "team": "pop-up-market", "metric": "csat", "score": 2,
                            "comment": "The stall had run out of my size."})))
    source.items_set_aside = 1
