"""Outbox delivery through Slack: each message sent once, under 429, 500, timeouts and refusals."""
import time
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.outbox.delivery import MAX_ATTEMPTS, deliver_due
from flashpoint.outbox.models import Notification, State
from flashpoint.outbox.services import record_notification
from flashpoint.timeutil import utcnow
from slack_bot.models import SlackMessageRef
from tests.factories import make_user


def _note_for(user, **kwargs) -> Notification:
    note = record_notification("praise.customer_said", "A customer said something about you",
                               "Good news from the Downtown Store.", recipient=user, link="/praise/me",
                               quote="Ana was <b>wonderful</b> & kind", **kwargs)
    db.session.commit()
    return note


def test_a_direct_message_goes_through_conversations_open_and_is_sent_once(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    note = _note_for(user)
    assert deliver_due(utcnow()) == {"sent": 1}
    assert [c.method for c in fake_slack.calls] == ["conversations.open", "chat.postMessage"]
    post = fake_slack.sent_messages()[0]
    assert post.params["channel"] == "DUANA"
    blocks = str(post.params["blocks"])
    assert "&lt;b&gt;wonderful&lt;/b&gt; &amp; kind" in blocks  # user text cannot inject mrkdwn
    assert "http://flashpoint.test/praise/me" in blocks
    db.session.refresh(note)
    assert note.state == State.SENT.value and note.external_ref == {"channel": "DUANA", "ts": post.answer["ts"]}
    ref = db.session.query(SlackMessageRef).one()
    assert (ref.channel, ref.ts, ref.notification_id) == ("DUANA", post.answer["ts"], note.id)
    assert deliver_due(utcnow() + timedelta(hours=1)) == {}
    assert len(fake_slack.sent_messages()) == 1


def test_rate_limited_delivery_waits_retry_after_and_ends_in_one_message(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    note = _note_for(user)
    fake_slack.script("chat.postMessage", status=429, headers={"Retry-After": "1"})
    now = utcnow()
    assert deliver_due(now) == {"pending": 1}
    db.session.refresh(note)
    assert note.next_attempt_at == now + timedelta(seconds=1)
    assert deliver_due(now + timedelta(milliseconds=500)) == {}  # not before Retry-After
    time.sleep(1.05)  # the transport keeps Slack's pause on the real clock too
    assert deliver_due(now + timedelta(seconds=2)) == {"sent": 1}
    assert len(fake_slack.sent_messages()) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_server_errors_are_retried_with_backoff_and_end_in_one_message(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    note = _note_for(user)
    fake_slack.script("chat.postMessage", status=500, times=2)
    now = utcnow()
    assert deliver_due(now) == {"pending": 1}
    assert deliver_due(now + timedelta(seconds=31)) == {"pending": 1}
    assert deliver_due(now + timedelta(minutes=5)) == {"sent": 1}
    db.session.refresh(note)
    assert note.attempts == 3
    assert len(fake_slack.sent_messages()) == 1


def test_a_timeout_after_sending_is_unclear_and_never_resent(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    note = _note_for(user)
    fake_slack.script("chat.postMessage", hang=2.5)  # the client gives up after 1 s
    assert deliver_due(utcnow()) == {"unclear": 1}
    db.session.refresh(note)
    assert "may have been delivered" in note.last_error
    assert deliver_due(utcnow() + timedelta(hours=2)) == {}
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_unknown_channel_fails_for_an_admin_to_see(app, fake_slack):
    note = record_notification("digest.weekly", "This week's heroes", "Two stories", channel="#gone")
    db.session.commit()
    fake_slack.script("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    assert deliver_due(utcnow()) == {"failed": 1}
    db.session.refresh(note)
    assert "channel_not_found" in note.last_error


def test_slack_unreachable_is_retried_then_given_up_after_bounded_attempts(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    note = _note_for(user)
    fake_slack.down()
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        deliver_due(now + timedelta(hours=attempt * 2))
    db.session.refresh(note)
    assert note.state == State.FAILED.value and note.attempts == MAX_ATTEMPTS
    assert "unreachable" in note.last_error


def test_people_without_slack_keep_their_notification_in_the_app(app, fake_slack):
    user = make_user(password=None)
    note = _note_for(user)
    assert deliver_due(utcnow()) == {"in_app": 1}
    assert fake_slack.calls == []
    del note


def test_a_one_time_link_becomes_a_button(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    record_notification("pulse.invitation", "Your pulse is open", "Five questions, two minutes.",
                        recipient=user, secret_url="http://flashpoint.test/pulse/tok123")
    db.session.commit()
    deliver_due(utcnow())
    buttons = [e for b in fake_slack.sent_messages()[0].params["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons[0]["url"] == "http://flashpoint.test/pulse/tok123"


def test_a_second_message_to_the_same_person_reuses_the_dm_channel(app, fake_slack):
    user = make_user(slack_user_id="UANA", password=None)
    _note_for(user)
    deliver_due(utcnow())
    _note_for(user, dedupe_key="second")
    deliver_due(utcnow())
    assert len(fake_slack.calls_to("conversations.open")) == 1
    assert [c.params["channel"] for c in fake_slack.sent_messages()] == ["DUANA", "DUANA"]


def test_after_a_429_the_same_channel_waits_but_others_carry_on(app, fake_slack):
    for n in range(3):
        record_notification("story.celebration", f"Hero story {n}", "A story", channel="#heroes",
                            dedupe_key=f"c{n}")
    user = make_user(slack_user_id="UANA", password=None)
    _note_for(user)
    fake_slack.script("chat.postMessage", status=429, headers={"Retry-After": "1"})
    now = utcnow()
    assert deliver_due(now) == {"pending": 3, "sent": 1}
    # One 429 for the channel, then no more calls to it until Retry-After has passed.
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["#heroes", "DUANA"]
    time.sleep(1.05)
    assert deliver_due(now + timedelta(seconds=2)) == {"sent": 3}
    assert len(fake_slack.sent_messages(channel="#heroes")) == 3
