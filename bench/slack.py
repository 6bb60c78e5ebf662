"""Slack fan-out: delivering N direct messages through the outbox and the Slack transport, against
a baseline of N bare `chat.postMessage` calls to the same local fake Web API in the same run.

    .venv/bin/python bench/slack.py [--people 500]

The ratio is what the outbox costs on top of the network: claiming each row, rendering Block Kit,
`conversations.open`, recording the message reference and the outcome. (A real workspace adds
Slack's own limit of about one message per second per channel and a workspace-wide ceiling.)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("FLASHPOINT_INSTANCE", tempfile.mkdtemp(prefix="fp-bench-slack-"))

    from slack_sdk import WebClient

    from flashpoint import create_app
    from flashpoint.cli import upgrade_database
    from flashpoint.config import TestConfig
    from flashpoint.extensions import db
    from flashpoint.outbox.delivery import deliver_due
    from flashpoint.outbox.services import record_notification
    from flashpoint.people.models import User
    from flashpoint.timeutil import utcnow
    from tests.slack.helpers import FakeSlack, slack_settings

    fake = FakeSlack().start()
    workdir = Path(tempfile.mkdtemp(prefix="fp-bench-slack-db-"))
    app = create_app(TestConfig(database_url=f"sqlite:///{workdir / 'bench.db'}", **slack_settings(fake)))
    with app.app_context():
        upgrade_database()
        people = [User(email=f"p{n}@bench.test", name=f"Person {n}", slack_user_id=f"UB{n:06d}")
                  for n in range(args.people)]
        db.session.add_all(people)
        db.session.flush()
        for person in people:
            record_notification("praise.customer_said", "A customer said something about you",
                                "Good news from the Downtown Store.", recipient=person, link="/praise/me",
                                quote="They were wonderful & kind.")
        db.session.commit()

        client = WebClient(token="xoxb-bench", base_url=fake.url, retry_handlers=[])
        start = time.perf_counter()
        for n in range(args.people):
            client.chat_postMessage(channel=f"DUB{n:06d}", text="Good news from the Downtown Store.")
        baseline = time.perf_counter() - start

        fake.reset()
        start = time.perf_counter()
        counts = deliver_due(utcnow(), limit=args.people)
        outbox = time.perf_counter() - start
        assert counts == {"sent": args.people}, counts
        assert len(fake.sent_messages()) == args.people

    fake.stop()
    print(f"Slack fan-out of {args.people} DMs (SQLite, local fake Web API)")
    print(f"  baseline, bare chat.postMessage:   {baseline:7.2f} s  {args.people / baseline:8.1f} msg/s")
    print(f"  outbox + Slack transport:          {outbox:7.2f} s  {args.people / outbox:8.1f} msg/s")
    print(f"  ratio outbox / baseline:           {outbox / baseline:7.2f}x")


if __name__ == "__main__":
    main()
