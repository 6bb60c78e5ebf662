"""Slack delivery keeps to Slack's rate limits by itself: no 429, nothing lost or sent twice, and a
busy channel waits without spending attempts while other recipients are served."""
import time

import pytest

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due, delivery_duty
from flashpoint.outbox.models import Notification, State
from flashpoint.outbox.services import record_notification
from flashpoint.timeutil import utcnow
from slack_bot.models import SlackDirectChannel
from tests.factories import make_team, make_user
from tests.slack.helpers import RateLimits, slack_settings

SPEED = 20  # Slack's limits twenty times faster, in the fake and in the app's pacing alike
# One post a second in a channel, as Slack: what a busy channel does to the others is the point.
LIMITS = RateLimits(speed=SPEED, channel_posts_per_second=1 / SPEED)


@pytest.fixture
def app_overrides(fake_slack):
    fake_slack.enforce(LIMITS)
    return slack_settings(fake_slack, SLACK_POSTS_PER_MINUTE=LIMITS.posts_per_minute * SPEED,
                          SLACK_OPENS_PER_MINUTE=LIMITS.opens_per_minute * SPEED,
                          SLACK_CHANNEL_POSTS_PER_SECOND=LIMITS.channel_posts_per_second * SPEED)


def _invite(people, known: int) -> None:
    for n, person in enumerate(people):
        if n < known:
            db.session.add(SlackDirectChannel(slack_user_id=person.slack_user_id, channel="D" + person.slack_user_id))
        record_notification("pulse.invitation", "Your pulse is open", "Five questions, two minutes.",
                            recipient=person, secret_url=f"http://flashpoint.test/pulse/t{n}")
    db.session.commit()


def test_a_fan_out_keeps_to_the_limits_and_reaches_everyone_once(app, fake_slack):
    team = make_team()
    people = [make_user(team=team, slack_user_id=f"UFAN{n:03d}", password=None) for n in range(60)]
    _invite(people, known=40)
    started = time.monotonic()
    assert delivery_duty(utcnow()) == {"sent": 60}
    elapsed = time.monotonic() - started
    assert not [c for c in fake_slack.calls if c.status == 429]
    channels = [c.params["channel"] for c in fake_slack.sent_messages()]
    assert sorted(channels) == sorted(f"DUFAN{n:03d}" for n in range(60))  # each once
    assert len(fake_slack.calls_to("conversations.open")) == 20  # only the DMs not kept
    open_rate = LIMITS.opens_per_minute / 60 * SPEED
    bound = (20 - LIMITS.open_burst) / open_rate
    assert elapsed < bound + 2.0, f"{elapsed:.1f} s against a bound of {bound:.1f} s"


def test_a_busy_channel_waits_without_spending_attempts_while_others_go(app, fake_slack):
    for n in range(6):
        record_notification("story.celebration", f"Hero story {n}", "A story", channel="#heroes", dedupe_key=f"c{n}")
    team = make_team()
    people = [make_user(team=team, slack_user_id=f"UDM{n}", password=None) for n in range(2)]
    _invite(people, known=2)
    assert deliver_due(utcnow()) == {"sent": 5, "pending": 3}  # Slack's burst of 3 in the channel, both DMs
    waiting = db.session.scalars(db.select(Notification).where(Notification.state == State.PENDING.value)).all()
    assert [n.attempts for n in waiting] == [0, 0, 0]
    assert delivery_duty(utcnow())["sent"] == 3  # about a second apart, in the same run
    assert not db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.state != State.SENT.value))
    assert len(fake_slack.sent_messages(channel="#heroes")) == 6
    assert not [c for c in fake_slack.calls if c.status == 429]
