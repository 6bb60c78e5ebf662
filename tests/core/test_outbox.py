"""The outbox: what domain code records, how the delivery duty sends it, and the admin's view of it."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from flashpoint.extensions import db
from flashpoint.outbox import delivery
from flashpoint.outbox.delivery import (MAX_ATTEMPTS, PermanentDeliveryError, TransientDeliveryError,
                                        UnclearDeliveryError, deliver_due)
from flashpoint.outbox.models import Notification, State
from flashpoint.outbox.services import VariedWordings, record_notification, varied, varied_for
from tests.concurrency import at_once
from tests.conftest import csrf_token_from
from tests.factories import make_team, make_user

T0 = datetime(2026, 3, 2, 10, 0)


def _record(recipient=None, **kwargs):
    note = record_notification(kwargs.pop("kind", "test.hello"), kwargs.pop("subject", "Hello"),
                               kwargs.pop("text", "Something happened."), recipient=recipient, **kwargs)
    if note is not None:
        note.next_attempt_at = T0
    db.session.commit()
    return note


def _reload(note):
    db.session.expire_all()
    return db.session.get(Notification, note.id)


# --- recording ----------------------------------------------------------------------------

def test_recording_is_part_of_the_callers_transaction(app):
    person = make_user("staff")
    record_notification("test.hello", "Hi", "text", recipient=person)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_a_dedupe_key_is_recorded_once(app):
    person = make_user("staff")
    assert _record(person, dedupe_key="story-7-approval") is not None
    assert _record(person, dedupe_key="story-7-approval") is None
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1


def test_a_notification_goes_to_one_person_or_one_channel(app):
    person = make_user("staff")
    with pytest.raises(ValueError):
        record_notification("test.x", "s", "t")
    with pytest.raises(ValueError):
        record_notification("test.x", "s", "t", recipient=person, channel="#heroes")


def test_varied_wording_changes_for_each_message_to_the_same_person(app):
    person = make_user("staff")
    wordings = ["Thanks, {name}!", "Nice one, {name}.", "{name}, customers noticed."]
    seen = []
    for _ in range(3):
        text = varied("test.thanks", person, wordings, name="Ana")
        seen.append(text)
        _record(person, kind="test.thanks", text=text)
    assert len(set(seen)) == 3


def test_the_batched_choice_is_the_one_varied_makes_for_each_person_in_one_query(app):
    wordings = ["One for {name}.", "Two for {name}.", "Three for {name}."]
    people = [make_user("staff") for _ in range(5)]
    for count, person in enumerate(people):  # 0..4 earlier notes of the kind: every wording, and wrapping
        for _ in range(count):
            _record(person, kind="test.batch")
        _record(person, kind="test.other")  # another kind does not count
    everyone = [*people, make_user("staff")]
    newcomer_id = everyone[-1].id  # (every person loaded now: only the counting is measured below)
    ids = [person.id for person in people]
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        batched = varied_for("test.batch", everyone, wordings, name="Ana")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects
    assert batched == {person.id: varied("test.batch", person, wordings, name="Ana") for person in everyone}
    assert [batched[i] for i in ids] == ["One for Ana.", "Two for Ana.", "Three for Ana.", "One for Ana.",
                                         "Two for Ana."]
    assert batched[newcomer_id] == "One for Ana."
    assert varied("test.batch", None, wordings, name="Ana") == "One for Ana."


def test_a_batch_advances_as_notifications_are_recorded_as_varied_would(app):
    wordings = ["A {n}", "B {n}", "C {n}"]
    person, other = make_user("staff"), make_user("staff")
    one_by_one = []
    for n in range(4):
        text = varied("test.run", person, wordings, n=n)
        one_by_one.append(text)
        record_notification("test.run", "s", text, recipient=person)
    db.session.rollback()
    batch = VariedWordings(["test.run", "test.walk"], [person, other])
    batched = []
    for n in range(4):
        text = batch.pick("test.run", person, wordings, n=n)
        batched.append(text)
        batch.recorded("test.run", person, record_notification("test.run", "s", text, recipient=person))
    batch.recorded("test.run", person, None)  # a dedupe key already there: nothing was added
    assert batched == one_by_one == ["A 0", "B 1", "C 2", "A 3"]
    assert batch.pick("test.walk", other, wordings, n=0) == varied("test.walk", other, wordings, n=0) == "A 0"
    with pytest.raises(ValueError):
        varied("test.run", person, [])


# --- delivery -----------------------------------------------------------------------------

def test_delivered_notification_is_sent_once(app, fake_transport):
    note = _record(make_user("staff"))
    assert deliver_due(T0) == {"sent": 1}
    assert deliver_due(T0 + timedelta(minutes=5)) == {}
    note = _reload(note)
    assert (note.state, note.transport, note.attempts, note.sent_at) == ("sent", "fake", 1, T0)
    assert note.external_ref == {"ref": f"fake-{note.id}"}
    assert fake_transport.sent == [note.id]


def test_not_yet_due_is_left_for_later(app, fake_transport):
    note = _record(make_user("staff"))
    assert deliver_due(T0 - timedelta(seconds=1)) == {}
    assert _reload(note).state == "pending"


def test_transient_failure_is_retried_with_backoff(app, fake_transport):
    note = _record(make_user("staff"))
    fake_transport.script = [TransientDeliveryError("connection refused"), TransientDeliveryError("503")]
    deliver_due(T0)
    note = _reload(note)
    assert (note.state, note.attempts, note.next_attempt_at) == ("pending", 1, T0 + timedelta(seconds=30))
    assert deliver_due(T0 + timedelta(seconds=29)) == {}  # waits for its turn
    deliver_due(T0 + timedelta(seconds=30))
    note = _reload(note)
    assert note.next_attempt_at == T0 + timedelta(seconds=30) + timedelta(minutes=1)
    deliver_due(T0 + timedelta(minutes=2))
    note = _reload(note)
    assert (note.state, note.attempts, note.last_error) == ("sent", 3, None)
    assert fake_transport.sent == [note.id]


def test_retry_after_from_the_service_is_respected(app, fake_transport):
    note = _record(make_user("staff"))
    fake_transport.script = [TransientDeliveryError("429 rate limited", retry_after=120)]
    deliver_due(T0)
    assert _reload(note).next_attempt_at == T0 + timedelta(seconds=120)


def test_after_max_attempts_it_is_failed_for_an_admin(app, fake_transport):
    note = _record(make_user("staff"))
    fake_transport.script = [TransientDeliveryError(f"try {n}") for n in range(MAX_ATTEMPTS)]
    now = T0
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now)
        now += timedelta(hours=2)
    note = _reload(note)
    assert (note.state, note.attempts) == ("failed", MAX_ATTEMPTS)
    assert note.last_error == f"try {MAX_ATTEMPTS - 1}"
    assert deliver_due(now) == {} and fake_transport.sent == []


def test_permanent_failure_is_not_retried(app, fake_transport):
    note = _record(make_user("staff"))
    fake_transport.script = [PermanentDeliveryError("user_not_found")]
    deliver_due(T0)
    assert _reload(note).state == "failed"
    assert deliver_due(T0 + timedelta(hours=1)) == {}


@pytest.mark.parametrize("error", [UnclearDeliveryError("timed out after sending"), KeyError("a transport bug")])
def test_unclear_outcome_is_never_resent(app, fake_transport, error):
    note = _record(make_user("staff"))
    fake_transport.script = [error]
    deliver_due(T0)
    note = _reload(note)
    assert note.state == "unclear" and note.last_error
    for hours in range(1, 4):
        assert deliver_due(T0 + timedelta(hours=hours)) == {}
    assert fake_transport.sent == []


def test_one_bad_notification_does_not_block_the_rest(app, fake_transport):
    person = make_user("staff")
    first, second = _record(person), _record(person)
    fake_transport.script = [RuntimeError("boom")]
    assert deliver_due(T0) == {"unclear": 1, "sent": 1}
    assert _reload(second).state == "sent" and _reload(first).state == "unclear"


def test_a_send_interrupted_mid_way_becomes_unclear(app, fake_transport):
    note = _record(make_user("staff"))
    note.state, note.next_attempt_at, note.attempts = "sending", T0, 1  # a run died after claiming it
    db.session.commit()
    deliver_due(T0 + timedelta(minutes=5))
    assert _reload(note).state == "sending"  # it may still be in flight
    deliver_due(T0 + timedelta(minutes=11))
    note = _reload(note)
    assert note.state == "unclear" and "mid-send" in note.last_error
    assert fake_transport.sent == []


def test_nobody_reachable_means_in_app_only(app, fake_transport):
    fake_transport.reachable = lambda notification: False
    note = _record(make_user("staff"))
    assert deliver_due(T0) == {"in_app": 1}
    assert _reload(note).sent_at == T0 and fake_transport.sent == []


def test_a_chooser_can_mute_a_notification(app, fake_transport):
    delivery.set_transport_chooser(app, lambda notification, available: State.MUTED.value)
    note = _record(make_user("staff"))
    assert deliver_due(T0) == {"muted": 1}
    assert fake_transport.sent == [] and _reload(note).state == "muted"


def test_a_crashing_chooser_retries_later_without_sending(app, fake_transport):
    def chooser(notification, available):
        raise RuntimeError("preferences unreadable")

    delivery.set_transport_chooser(app, chooser)
    note = _record(make_user("staff"))
    deliver_due(T0)
    note = _reload(note)
    assert note.state == "pending" and "preferences unreadable" in note.last_error
    assert fake_transport.sent == []


def test_transports_are_tried_in_order_of_registration(app, fake_transport):
    class Second:
        name = "second"

        def reaches(self, notification):
            return True

        def send(self, notification):
            raise AssertionError("the first transport reaches everyone")

    delivery.register_transport(app, Second(), order=10)
    _record(make_user("staff"))
    assert deliver_due(T0) == {"sent": 1}


@pytest.mark.postgres
def test_two_deliverers_racing_send_each_notification_once(app, fake_transport):
    person = make_user("staff")
    notes = [_record(person) for _ in range(30)]
    lock = threading.Lock()
    sent = []

    def send(notification):
        with lock:
            sent.append(notification.id)
        return None

    fake_transport.send = send
    errors = at_once(app, lambda: deliver_due(T0), threads=3)
    assert errors == []
    assert sorted(sent) == sorted(n.id for n in notes)
    db.session.expire_all()
    assert set(db.session.scalars(db.select(Notification.state))) == {"sent"}


# --- the admin's outbox -------------------------------------------------------------------

def test_outbox_preview_shows_messages_but_never_secret_links_or_anonymous_authors(client, login):
    author = make_user("staff", make_team(), name="Secret Author")
    named = make_user("staff", name="Ngozi Bello")
    _record(author, kind="idea.status_changed", subject="Your idea is planned", text="Good news.",
            anonymous_recipient=True)
    _record(named, kind="pulse.invitation", subject="A pulse is open", text="Two minutes, promise.",
            secret_url="http://flashpoint.test/pulse/SECRET-TOKEN-123", link="/pulses")
    _record(channel="#heroes", kind="story.celebration", subject="A hero story", text="Well done.",
            quote="She stayed late to fix it.")
    login(make_user("admin"))
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "the anonymous author" in html and "Secret Author" not in html
    assert "SECRET-TOKEN-123" not in html and "a one-time link, shown to the recipient only" in html
    assert "Ngozi Bello" in html and "Two minutes, promise." in html and "#heroes" in html
    assert "She stayed late to fix it." in html
    assert "Slack and e-mail are not configured" in html


def test_outbox_escapes_message_text(client, login):
    _record(make_user("staff"), text="<script>alert(1)</script>")
    login(make_user("admin"))
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_outbox_filters_by_state_and_kind(client, login):
    person = make_user("staff")
    _record(person, kind="test.one", subject="First subject")
    failed = _record(person, kind="test.two", subject="Second subject")
    failed.state = "failed"
    db.session.commit()
    login(make_user("admin"))
    html = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert "Second subject" in html and "First subject" not in html
    html = client.get("/admin/outbox?kind=test.one").get_data(as_text=True)
    assert "First subject" in html and "Second subject" not in html


@pytest.mark.parametrize("state", ["failed", "unclear"])
def test_admin_resends_a_failed_or_unclear_notification(client, login, post_form, fake_transport, state):
    note = _record(make_user("staff"), subject="Try me again")
    note.state, note.attempts, note.last_error = state, 3, "timed out"
    db.session.commit()
    login(make_user("admin"))
    response = post_form(f"/admin/outbox/{note.id}/resend", {}, page="/admin/outbox")
    assert response.status_code == 302
    note = _reload(note)
    assert (note.state, note.attempts, note.last_error) == ("pending", 0, None)
    deliver_due(note.next_attempt_at)
    assert fake_transport.sent == [note.id]


def test_admin_sets_aside_an_unclear_notification(client, login, post_form, fake_transport):
    note = _record(make_user("staff"))
    note.state = "unclear"
    db.session.commit()
    login(make_user("admin"))
    post_form(f"/admin/outbox/{note.id}/dismiss", {}, page="/admin/outbox")
    assert _reload(note).state == "in_app"
    deliver_due(T0 + timedelta(hours=1))
    assert fake_transport.sent == []


def test_sent_notifications_cannot_be_resent(client, login, post_form):
    note = _record(make_user("staff"))
    note.state = "sent"
    db.session.commit()
    login(make_user("admin"))
    response = post_form(f"/admin/outbox/{note.id}/resend", {}, page="/admin/outbox", follow_redirects=True)
    assert "Only failed or unclear notifications can be sent again." in response.get_data(as_text=True)
    assert _reload(note).state == "sent"


@pytest.mark.parametrize("role", ["staff", "manager", "hr"])
def test_only_admins_see_and_act_on_the_outbox(client, login, post_form, role):
    note = _record(make_user("staff"))
    note.state = "failed"
    db.session.commit()
    login(make_user(role, make_team()))
    assert client.get("/admin/outbox").status_code == 403
    response = post_form(f"/admin/outbox/{note.id}/resend", {}, page="/")
    assert response.status_code == 403
    assert _reload(note).state == "failed"


def test_empty_outbox_says_so(client, login):
    login(make_user("admin"))
    assert "The outbox is empty." in client.get("/admin/outbox").get_data(as_text=True)


def test_outbox_says_nothing_about_how_an_anonymous_author_is_reached(client, login):
    """Sent through Slack, muted, failed with an error: each would narrow down who the anonymous
    author is. The preview shows the message and none of that; no state counts it or finds it."""
    author = make_user("staff", make_team(), name="Secret Author")
    login(admin := make_user("admin"))
    baseline = client.get("/admin/outbox").get_data(as_text=True)
    chips = baseline[baseline.index('aria-label="Filter by state"'):baseline.index("</nav>")]
    notes = []
    for state, transport, error in (("sent", "slack", None), ("muted", None, None),
                                    ("failed", "email", "550 mailbox secret.author@example.com unknown"),
                                    ("unclear", "slack", "timeout talking to Slack")):
        note = _record(author, kind="pulse.comment_reply", subject="A reply to your comment", text="Someone replied.",
                       anonymous_recipient=True)
        note.state, note.transport, note.last_error, note.attempts = state, transport, error, 3
        notes.append(note)
    db.session.commit()
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert html.count("the anonymous author") == 4 and "Secret Author" not in html
    items = html.split('<li class="preview')[1:]
    assert len(items) == 4
    for item in items:
        item = item.split("</li>")[0].lower()
        assert "delivery not shown" in item and "state-" not in item
        words = re.sub(r'class="[^"]*"', "", item)  # the page's own "muted" style says nothing
        for word in ("sent", "muted", "failed", "unclear", "slack", "mail", "attempts", "550", "timeout",
                     "send again", "set aside"):
            assert word not in words, word
    # The state chips count exactly what they counted before, and no state lists these messages.
    assert html[html.index('aria-label="Filter by state"'):html.index("</nav>")] == chips
    for state in ("sent", "muted", "failed", "unclear", "in_app", "pending"):
        listed = client.get(f"/admin/outbox?state={state}").get_data(as_text=True)
        assert "the anonymous author" not in listed, state
    # Acting on one is refused as if it did not exist: the answer would say whether it had failed.
    token = csrf_token_from(client.get("/admin/outbox").get_data(as_text=True))
    for note in notes:
        for action in ("resend", "dismiss"):
            response = client.post(f"/admin/outbox/{note.id}/{action}", data={"csrf_token": token})
            assert response.status_code == 404, (action, note.state)
