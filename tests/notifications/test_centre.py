"""The notification centre: everyone's own notifications, unread badge, reading, and one-time
links shown to their recipient only — never to anyone else, admins included."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from tests.factories import make_user
from tests.notifications.factories import deliver, notify, reload


@pytest.fixture
def app_overrides():
    return {}  # no SMTP: everything stays in the app, as with `make run`


def test_centre_lists_own_notifications_newest_first_with_links(app, client, login):
    ada = make_user(name="Ada")
    other = make_user(name="Other")
    base = utcnow() - timedelta(hours=3)
    for n, kind in enumerate(["idea.assigned", "idea.status_changed", "story.decided"]):
        note = notify(ada, kind, f"Subject {n}", f"Text {n}", link=f"/ideas/{n}")
        note.created_at = base + timedelta(hours=n)
    notify(other, "praise.customer_said", "Not for Ada", "x")
    db.session.commit()
    login(ada)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Subject 2") < page.index("Subject 1") < page.index("Subject 0")
    assert "Not for Ada" not in page
    assert "3 unread" in page


def test_nav_badge_counts_unread_and_mark_read_clears_it(app, client, login, post_form):
    bea = make_user(name="Bea")
    first = notify(bea, subject="First")
    notify(bea, subject="Second")
    login(bea)
    home = client.get("/").get_data(as_text=True)
    assert 'Notifications <span class="badge" aria-label="2 new">2</span>' in home
    assert "Unread notifications" in home  # the home panel

    post_form(f"/notifications/{first.id}/read", {}, page="/notifications")
    assert reload(first).read_at is not None
    assert 'aria-label="1 new">1</span>' in client.get("/").get_data(as_text=True)
    post_form("/notifications/read-all", {}, page="/notifications")
    home = client.get("/").get_data(as_text=True)
    assert 'class="badge"' not in home and "Unread notifications" not in home


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(app, client, login):
    cal = make_user()
    note = notify(cal, link="/ideas/7")
    login(cal)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/ideas/7"
    assert reload(note).read_at is not None


def test_an_absolute_link_to_this_site_opens_as_a_path(app, client, login):
    fin = make_user()
    note = notify(fin, link="http://flashpoint.test/heroes/9")
    login(fin)
    assert client.get(f"/notifications/{note.id}/open").headers["Location"] == "/heroes/9"


def test_open_never_redirects_off_site(app, client, login):
    dan = make_user()
    note = notify(dan, link="//evil.example/x")
    login(dan)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.headers["Location"] == "/notifications"


def test_someone_elses_notification_cannot_be_read_or_opened(app, client, login, post_form):
    owner, nosy = make_user(), make_user()
    note = notify(owner, link="/ideas/1")
    login(nosy)
    assert client.get(f"/notifications/{note.id}/open").status_code == 404
    assert post_form(f"/notifications/{note.id}/read", {}, page="/notifications").status_code == 404
    assert reload(note).read_at is None


def test_pagination_of_a_long_history(app, client, login):
    eve = make_user()
    for n in range(45):
        notify(eve, subject=f"Update number {n:02d}")
    login(eve)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Update number 44" in first and "Update number 24" not in first
    assert "Page 1 of 3" in first
    third = client.get("/notifications?page=3").get_data(as_text=True)
    assert "Update number 00" in third
    unread = client.get("/notifications?show=unread").get_data(as_text=True)
    assert "45 in all" in unread


def test_secret_url_is_shown_to_its_recipient_only_never_to_others_or_admins(app, client, login, post_form):
    sam = make_user(name="Sam Secret")
    admin = make_user("admin", name="Ann Admin")
    notify(sam, "pulse.invitation", "Your pulse is open", "Answer it", secret_url="/pulse/SECRET-TOKEN-123")
    deliver()

    login(sam)
    assert "/pulse/SECRET-TOKEN-123" in client.get("/notifications").get_data(as_text=True)
    assert "/pulse/SECRET-TOKEN-123" in client.get("/").get_data(as_text=True)

    post_form("/logout", {}, page="/notifications")
    other = login(admin)
    for path in ("/notifications", "/", "/admin/outbox", "/admin/outbox?state=in_app"):
        body = other.get(path).get_data(as_text=True)
        assert "SECRET-TOKEN-123" not in body, path
    note = db.session.scalar(db.select(Notification).where(Notification.recipient_id == sam.id))
    preview = other.get(f"/admin/outbox/{note.id}/email").get_data(as_text=True)
    assert "SECRET-TOKEN-123" not in preview and "shown to the recipient only" in preview


def test_admin_email_preview_never_names_an_anonymous_author(app, client, login):
    author = make_user(name="Zed Hidden", email="zed.hidden@example.test")
    note = notify(author, "idea.status_changed", "Your idea is planned", "Thanks for raising it.",
                  anonymous_recipient=True, extra={"relation": "submitter"})
    login(make_user("admin"))
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    preview = client.get(f"/admin/outbox/{note.id}/email").get_data(as_text=True)
    for body in (outbox, preview):
        assert "Zed" not in body and "zed.hidden" not in body
    assert "the anonymous author" in outbox


def test_email_preview_is_for_admins_only(app, client, login):
    note = notify(make_user())
    login(make_user("hr"))
    assert client.get(f"/admin/outbox/{note.id}/email").status_code == 403


def test_anonymous_author_still_sees_their_follow_up(app, client, login):
    author = make_user()
    notify(author, "idea.status_changed", "Your idea is planned", "Planned.", anonymous_recipient=True)
    deliver()
    login(author)
    assert "Your idea is planned" in client.get("/notifications").get_data(as_text=True)


def test_without_smtp_everything_is_in_app_and_in_the_outbox_preview(app, client, login):
    person = make_user(name="Pia Preview")
    note = notify(person, "praise.customer_said", "A customer said", "Thank you!")
    assert deliver() == {"in_app": 1}
    assert reload(note).state == "in_app"
    login(make_user("admin"))
    outbox = client.get("/admin/outbox").get_data(as_text=True)
    assert "Pia Preview" in outbox and "this is a preview" in outbox


def test_notifications_need_sign_in(app, client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
