"""Regression guard: the SQL statements of Slack delivery and of `/hero` do not grow with the organisation.

Delivering N notifications costs at most PER_MESSAGE statements each (and a few per run); a `/hero`
command (acknowledged, then the modal opened with the manager's recent praise) costs the same
whether the organisation has a handful of people and praise items or many. Counted with a `before_cursor_execute` listener on the engine, on both databases.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.services import record_notification
from flashpoint.timeutil import utcnow
from recognition.praise.routing import route_feedback
from slack_bot.models import SlackDirectChannel
from tests.factories import make_team, make_user
from tests.feedback.factories import make_feedback
from tests.slack.factories import make_slack_team

# The claim (an UPDATE), the row, its recipient, their preferences (the transport choice), the
# kept DM channel, the message reference, the outcome: 7. A first DM adds its channel's insert.
PER_MESSAGE = 7
PER_RUN = 4


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _invitations(people: int, prefix: str) -> None:
    team = make_team()
    for n in range(people):
        person = make_user(team=team, slack_user_id=f"U{prefix}{n:04d}", password=None)
        # As after an earlier pulse: the DM channel is known (a first DM adds one insert).
        db.session.add(SlackDirectChannel(slack_user_id=person.slack_user_id, channel=f"D{prefix}{n:04d}"))
        record_notification("pulse.invitation", "Your pulse is open", "Five questions, two minutes.",
                            recipient=person, secret_url=f"http://flashpoint.test/pulse/{prefix}{n}")
    db.session.commit()


def _delivery_statements(people: int, prefix: str, fake_slack) -> int:
    _invitations(people, prefix)
    db.session.remove()  # nothing cached from setting up
    with counting() as statements:
        counts = deliver_due(utcnow())
    assert counts == {"sent": people}
    assert len({c.params["channel"] for c in fake_slack.sent_messages()}) == len(fake_slack.sent_messages())
    fake_slack.reset()
    return len(statements)


@pytest.mark.both_databases
def test_delivering_n_messages_costs_a_constant_number_of_statements_each(app, fake_slack, db_backend):
    few = _delivery_statements(3, "A", fake_slack)
    many = _delivery_statements(23, "B", fake_slack)
    per_message = (many - few) / 20
    assert per_message <= PER_MESSAGE, f"{per_message} statements per message"
    assert few <= PER_RUN + 3 * PER_MESSAGE
    assert not fake_slack.calls_to("conversations.open")  # the kept channels are used


def _hero_statements(slack, fake_slack, user_id: str, praise: int = 0) -> int:
    with counting() as statements:
        response = slack.command("/hero", "<@UHERO> stayed late", user_id=user_id)
    assert response.status_code == 200
    blocks = fake_slack.calls_to("views.open")[0].params["view"]["blocks"]
    offered = [b for b in blocks if b.get("block_id") == "feedback"]
    assert len(offered[0]["element"]["options"] if offered else []) == praise
    fake_slack.reset()
    return len(statements)


def _praise(team, count: int) -> None:
    """Customer praise naming the team's hero: the manager's modal offers it as evidence."""
    for _ in range(count):
        route_feedback(make_feedback(team, comment="Hana Hero was wonderful with my order"), notify=False)
    db.session.commit()


@pytest.mark.both_databases
def test_hero_command_costs_the_same_whatever_the_number_of_people(app, slack, fake_slack, db_backend):
    people = make_slack_team()
    _praise(people.team, 2)
    _hero_statements(slack, fake_slack, "UMGR", praise=2)  # warm: the first request of an app builds its caches
    small = [_hero_statements(slack, fake_slack, "UMGR", praise=2), _hero_statements(slack, fake_slack, "UCOLL")]
    for n in range(40):
        team = make_team() if n % 8 == 0 else team
        make_user(team=team, slack_user_id=f"UMORE{n:03d}", password=None)
        make_user(team=people.team, slack_user_id=f"UTEAM{n:03d}", password=None)
    _praise(people.team, 10)
    large = [_hero_statements(slack, fake_slack, "UMGR", praise=12), _hero_statements(slack, fake_slack, "UCOLL")]
    assert large == small
