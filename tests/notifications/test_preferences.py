"""Preferences: which channel carries a notification, muting topics, must-act kinds that can
never be muted, and the one-click unsubscribe from an e-mail."""
from __future__ import annotations

import re
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.notifications.models import NotificationPreference
from flashpoint.outbox import delivery
from flashpoint.timeutil import utcnow
from tests.factories import make_user
from tests.notifications.factories import deliver, notify, reload


class FakeSlack:
    """Stands in for the Slack transport (order 10): reaches people with a Slack id."""
    name = "slack"

    def __init__(self):
        self.sent = []

    def reaches(self, notification):
        if notification.channel:
            return True
        return bool(notification.recipient is not None and notification.recipient.slack_user_id)

    def send(self, notification):
        self.sent.append(notification.id)
        return {"channel": "D1", "ts": str(len(self.sent))}


def _save_settings(post_form, channel="auto", unticked=()):
    from flashpoint.notifications.topics import TOPICS

    data = {"channel": channel}
    for topic in TOPICS:
        if topic.key not in unticked:
            data[f"topic_{topic.key}"] = "y"
    return post_form("/settings/notifications", data)


def test_muting_idea_updates_for_ideas_voted_on_keeps_them_in_the_app_only(app, client, login, post_form, mailbox):
    vic = make_user(name="Vic Voter")
    login(vic)
    response = _save_settings(post_form, unticked=("ideas_voted",))
    assert response.status_code == 302
    assert db.session.get(NotificationPreference, vic.id).muted == ["ideas_voted"]

    voted = notify(vic, "idea.status_changed", "Voted idea moved", "v", extra={"relation": "voter"})
    own = notify(vic, "idea.status_changed", "Own idea moved", "o", extra={"relation": "submitter"})
    deliver()
    assert reload(voted).state == "muted"
    assert reload(own).state == "sent"
    assert [m.message["Subject"] for m in mailbox.to(vic.email)] == ["Own idea moved"]
    page = client.get("/notifications").get_data(as_text=True)
    assert "Voted idea moved" in page and "muted: shown here only" in page


def test_must_act_kinds_are_never_muted_even_with_everything_muted(app, mailbox):
    mia = make_user(name="Mia Manager", role="manager")
    db.session.add(NotificationPreference(user_id=mia.id, channel="auto", muted=["all"]))
    db.session.commit()
    approval = notify(mia, "story.approval_request", "A story waits for you", "Approve it?", link="/heroes/4")
    pulse = notify(mia, "pulse.invitation", "Pulse open", "Answer", secret_url="/pulse/t")
    digest = notify(mia, "digest.manager", "Your week", "Summary")
    deliver()
    assert reload(approval).state == "sent" and reload(pulse).state == "sent"
    assert reload(digest).state == "muted"
    assert sorted(m.message["Subject"] for m in mailbox.received) == ["A story waits for you", "Pulse open"]


def test_settings_page_offers_no_switch_for_must_act_kinds(app, client, login):
    login(make_user())
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "Always sent" in page and "approval waiting for you" in page
    assert 'name="topic_digests"' in page
    assert "approval" not in " ".join(re.findall(r'name="(topic_[a-z_]+)"', page))


def test_slack_first_and_email_when_the_person_prefers_it(app, post_form, login, client, mailbox):
    slack = FakeSlack()
    delivery.register_transport(app, slack, order=10)
    both = make_user(name="Both Ways", slack_user_id="U0BOTH")
    first = notify(both, "praise.customer_said", "Praise one", "a")
    deliver()
    assert reload(first).transport == "slack" and mailbox.received == []

    login(both)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'value="email"' in page  # both reach this person: the choice is offered
    _save_settings(post_form, channel="email")
    second = notify(both, "praise.customer_said", "Praise two", "b")
    deliver()
    assert reload(second).transport == "email" and reload(second).state == "sent"
    assert len(slack.sent) == 1 and len(mailbox.to(both.email)) == 1


def test_channel_choice_is_not_offered_when_only_email_reaches(app, client, login):
    login(make_user())
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'value="slack"' not in page and "by <strong>e-mail</strong>" in page


def test_channel_messages_go_to_slack_only(app, mailbox):
    from flashpoint.outbox.services import record_notification

    slack = FakeSlack()
    delivery.register_transport(app, slack, order=10)
    note = record_notification("story.celebration", "Hero", "Well done", channel="#heroes")
    db.session.commit()
    deliver()
    assert reload(note).transport == "slack" and slack.sent == [note.id]


def test_one_click_unsubscribe_from_the_email_header_mutes_that_topic(app, client, mailbox):
    fay = make_user(name="Fay Follower")
    notify(fay, "idea.status_changed", "Followed idea moved", "f", extra={"relation": "follower"})
    deliver()
    [mail] = mailbox.to(fay.email)
    url = mail.message["List-Unsubscribe"].strip("<>")
    path = url.replace("http://flashpoint.test", "")
    # A link scanner's GET changes nothing.
    assert client.get(path).status_code == 200
    assert db.session.get(NotificationPreference, fay.id) is None
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, without a session or CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(NotificationPreference, fay.id).muted == ["ideas_followed"]

    later = notify(fay, "idea.status_changed", "Followed idea moved again", "g", extra={"relation": "follower"})
    own = notify(fay, "idea.status_changed", "Your idea moved", "h", extra={"relation": "submitter"})
    deliver(utcnow() + timedelta(minutes=1))
    assert reload(later).state == "muted" and reload(own).state == "sent"


def test_unsubscribe_link_from_a_must_act_email_mutes_everything_mutable_but_not_must_act(app, client, mailbox):
    gus = make_user(name="Gus")
    notify(gus, "pulse.invitation", "Pulse open", "Answer", secret_url="/pulse/t")
    deliver()
    path = mailbox.to(gus.email)[0].message["List-Unsubscribe"].strip("<>").replace("http://flashpoint.test", "")
    page = client.get(path).get_data(as_text=True)
    assert "everything that can be switched off" in page
    client.post(path)
    db.session.expire_all()
    assert db.session.get(NotificationPreference, gus.id).muted == ["all"]
    pulse = notify(gus, "pulse.reminder", "Pulse reminder", "Answer", secret_url="/pulse/t")
    praise = notify(gus, "praise.customer_said", "Praise", "p")
    deliver(utcnow() + timedelta(minutes=1))
    assert reload(pulse).state == "sent" and reload(praise).state == "muted"


def test_forged_unsubscribe_token_is_refused(app, client):
    victim = make_user()
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-our-key", salt="flashpoint.unsubscribe").dumps({"u": victim.id, "t": "all"})
    response = client.post(f"/notifications/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert db.session.get(NotificationPreference, victim.id) is None


def test_deactivated_person_is_not_emailed(app, mailbox):
    gone = make_user(active=False)
    note = notify(gone, "idea.status_changed", "Idea moved", "x")
    deliver()
    assert reload(note).state == "in_app" and mailbox.received == []
