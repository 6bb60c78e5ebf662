"""E-mail delivery through a real SMTP server with STARTTLS: content, grouping, retries, and
the exactly-once rule when the server is down, refuses, or stalls after the data."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from tests.factories import make_team, make_user
from tests.notifications.conftest import stall_longer_than_the_timeout
from tests.notifications.factories import deliver, notify, reload


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_pulse_link_reaches_person_without_slack_by_email_and_opens(app, client, mailbox):
    sam = make_user(name="Sam Lee", team=make_team())
    note = notify(sam, "pulse.invitation", "Your pulse is open", "Three minutes, anonymous.",
                  secret_url="/pulse/tok-abc123", link="/pulses")
    assert deliver() == {"sent": 1}

    assert reload(note).state == "sent" and reload(note).transport == "email"
    [mail] = mailbox.to(sam.email)
    assert mail.tls, "the message must travel over STARTTLS"
    assert mail.message["Subject"] == "Your pulse is open"
    assert "http://flashpoint.test/pulse/tok-abc123" in mail.text
    assert "http://flashpoint.test/pulse/tok-abc123" in _links(mail.html)
    assert "Answer the pulse" in mail.html
    # Following the e-mailed link lands on the app's own /pulse/<token> route (built by the
    # pulse area); whatever it answers for this made-up token, it must not be a server error.
    response = client.get("/pulse/tok-abc123")
    assert response.status_code < 500


def test_every_email_has_text_html_and_one_click_unsubscribe(app, mailbox):
    pat = make_user(name="Pat Doe")
    notify(pat, "idea.status_changed", "Your idea is planned", "Lockers by the back door: planned.",
           link="/ideas/3", extra={"relation": "submitter", "idea_id": 3})
    deliver()
    [mail] = mailbox.to(pat.email)
    message = mail.message
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    header = message["List-Unsubscribe"]
    assert header.startswith("<http://flashpoint.test/notifications/unsubscribe/") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://flashpoint.test/settings/notifications" in mail.text
    assert "http://flashpoint.test/settings/notifications" in _links(mail.html)
    assert "http://flashpoint.test/ideas/3" in mail.text
    assert mail.mail_from == "flashpoint@flashpoint.test"


def test_idea_follow_up_arrives_by_email(app, mailbox):
    voter = make_user(name="Vic Voter")
    notify(voter, "idea.status_changed", "An idea you voted for is in progress",
           "“Quieter checkout music” is now in progress.", link="/ideas/12",
           extra={"relation": "voter", "idea_id": 12})
    deliver()
    [mail] = mailbox.to(voter.email)
    assert "Quieter checkout music" in mail.text
    assert "http://flashpoint.test/ideas/12" in _links(mail.html)


def test_internationalised_address_and_a_line_break_in_a_title(app, mailbox):
    zoe = make_user(name="Zoë Ünal", email="zoë@example.test")
    note = notify(zoe, "idea.status_changed", "Idea\r\nBcc: someone@evil.test moved", "Hello.")
    deliver()
    assert reload(note).state == "sent", reload(note).last_error
    [mail] = mailbox.to("zoë@example.test")
    assert mail.message["Subject"] == "Idea Bcc: someone@evil.test moved"
    assert mail.message["Bcc"] is None and "Zoë" in mail.message["To"]


def test_customer_quote_is_in_the_email_escaped(app, mailbox):
    hero = make_user(name="Hana Kim")
    notify(hero, "praise.customer_said", "A customer said something about you",
           "A customer of Downtown Store named you.", quote="Hana was <b>wonderful</b>, call me at [phone]",
           link="/praise")
    deliver()
    [mail] = mailbox.to(hero.email)
    assert "Hana was <b>wonderful</b>, call me at [phone]" in mail.text
    assert "Hana was &lt;b&gt;wonderful&lt;/b&gt;" in mail.html


@pytest.mark.both_databases
def test_three_idea_updates_to_one_person_become_one_email(app, mailbox):
    ana = make_user(name="Ana Lima")
    other = make_user(name="Ola Berg")
    notes = [notify(ana, "idea.status_changed", f"Idea {n} moved", f"Idea number {n} moved on.",
                    link=f"/ideas/{n}", extra={"relation": "follower"}) for n in (1, 2, 3)]
    notify(other, "idea.status_changed", "Idea 1 moved", "For Ola.", link="/ideas/1")
    counts = deliver()

    assert counts == {"sent": 2}  # the loop counted Ana's first and Ola's; Ana's others rode along
    [mail] = mailbox.to(ana.email)
    for n in (1, 2, 3):
        assert f"Idea number {n} moved on." in mail.text
        assert f"http://flashpoint.test/ideas/{n}" in mail.html
    assert mail.message["Subject"].startswith("3 updates")
    rows = [reload(n) for n in notes]
    assert {r.state for r in rows} == {"sent"}
    assert all(r.attempts == 1 for r in rows)
    assert {r.external_ref["message_id"] for r in rows} == {mail.message["Message-ID"]}
    assert len(mailbox.to(other.email)) == 1
    assert deliver() == {} and len(mailbox.received) == 2


def test_must_act_messages_travel_alone(app, mailbox):
    bo = make_user(name="Bo Ng")
    notify(bo, "idea.status_changed", "Idea moved", "An update.")
    notify(bo, "pulse.invitation", "Your pulse is open", "Answer it.", secret_url="/pulse/t1")
    notify(bo, "idea.status_changed", "Another idea moved", "Another update.")
    deliver()
    subjects = sorted(m.message["Subject"] for m in mailbox.to(bo.email))
    assert subjects == ["2 updates: Idea moved", "Your pulse is open"]


@pytest.mark.both_databases
def test_server_down_then_back_delivers_every_message_exactly_once(app, smtp_server, mailbox):
    people = [make_user(name=f"Person {i}") for i in range(3)]
    notes = [notify(p, "idea.status_changed", "Idea moved", f"For {p.name}.") for p in people]
    notes.append(notify(people[0], "praise.customer_said", "A customer said", "Thanks!"))
    smtp_server.stop()
    start = utcnow()

    deliver(start)
    rows = [reload(n) for n in notes]
    assert {r.state for r in rows} == {"pending"}
    assert all("cannot reach the mail server" in r.last_error for r in rows)
    assert all(r.next_attempt_at > start for r in rows)
    assert deliver(start + timedelta(seconds=5)) == {}  # backing off: nothing is due yet

    smtp_server.start()
    deliver(start + timedelta(minutes=5))
    rows = [reload(n) for n in notes]
    assert {r.state for r in rows} == {"sent"}
    assert all(r.attempts == 2 for r in rows)
    deliver(start + timedelta(hours=2))
    assert len(mailbox.received) == 3  # person 0's two messages grouped
    assert sorted(len(mailbox.to(p.email)) for p in people) == [1, 1, 1]


def test_temporary_refusal_is_retried_later(app, mailbox):
    kim = make_user(name="Kim Park")
    mailbox.refuse_rcpt[kim.email] = "451 4.3.0 Mailbox busy, try later"
    note = notify(kim, "idea.status_changed", "Idea moved", "Hello.")
    start = utcnow()
    deliver(start)
    assert reload(note).state == "pending" and "451" in reload(note).last_error
    del mailbox.refuse_rcpt[kim.email]
    deliver(start + timedelta(minutes=2))
    assert reload(note).state == "sent" and len(mailbox.to(kim.email)) == 1


def test_refused_address_fails_and_admin_sees_why(app, client, login, mailbox):
    lee = make_user(name="Lee Refused", email="nobody@refused.test")
    mailbox.refuse_rcpt[lee.email] = "550 5.1.1 No such user here"
    note = notify(lee, "idea.status_changed", "Idea moved", "Hello.")
    deliver()
    row = reload(note)
    assert row.state == "failed" and row.attempts == 1
    assert "550 5.1.1 No such user here" in row.last_error
    deliver(utcnow() + timedelta(hours=3))
    assert reload(note).attempts == 1  # a permanent failure is never retried by itself

    login(make_user("admin"))
    page = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "Lee Refused" in page and "No such user here" in page
    assert "Delivering through e-mail" in page


def test_attempts_are_bounded_while_the_server_stays_down(app, smtp_server):
    smtp_server.stop()
    note = notify(make_user(), "idea.status_changed", "Idea moved", "Hello.")
    now = utcnow()
    for _ in range(10):
        deliver(now)
        now += timedelta(hours=2)
    row = reload(note)
    assert row.state == "failed" and row.attempts == 6
    assert "cannot reach the mail server" in row.last_error


@pytest.mark.both_databases
def test_timeout_after_the_data_is_unclear_and_never_resent(app, mailbox):
    stall_longer_than_the_timeout(app, mailbox, "data")  # the server has the message, answers late
    ray = make_user(name="Ray Slow")
    first = notify(ray, "idea.status_changed", "Idea moved", "One.")
    second = notify(ray, "idea.status_changed", "Idea moved again", "Two.")
    deliver()
    rows = [reload(first), reload(second)]
    assert {r.state for r in rows} == {"unclear"}
    assert "may have arrived" in rows[0].last_error
    mailbox.data_delay = 0
    deliver(utcnow() + timedelta(hours=3))
    assert {reload(first).state, reload(second).state} == {"unclear"}
    assert len(mailbox.to(ray.email)) == 1  # it did arrive, once; nothing was sent again


def test_a_server_too_slow_before_the_data_is_retried_and_delivers_once(app, mailbox):
    stall_longer_than_the_timeout(app, mailbox, "rcpt")  # no message data was sent yet
    sid = make_user(name="Sid Slow")
    note = notify(sid, "idea.status_changed", "Idea moved", "Once.")
    start = utcnow()
    deliver(start)
    row = reload(note)
    assert row.state == "pending" and "stopped answering" in row.last_error
    mailbox.rcpt_delay = 0
    deliver(start + timedelta(minutes=2))
    assert reload(note).state == "sent" and len(mailbox.to(sid.email)) == 1


def test_person_with_neither_slack_nor_mailbox_gets_it_in_the_app(app, client, login, mailbox):
    floor = make_user(name="Floor Worker", email="floor.worker@shop.invalid")
    note = notify(floor, "pulse.invitation", "Your pulse is open", "Answer it.", secret_url="/pulse/tok-floor")
    deliver()
    assert reload(note).state == "in_app"
    assert mailbox.received == []
    login(floor)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your pulse is open" in page and 'href="/pulse/tok-floor"' in page


def test_channel_messages_are_never_emailed(app, mailbox):
    from flashpoint.outbox.services import record_notification

    note = record_notification("story.celebration", "A hero story", "Well done!", channel="#heroes")
    db.session.commit()
    deliver()
    assert db.session.get(Notification, note.id).state == "in_app"
    assert mailbox.received == []
