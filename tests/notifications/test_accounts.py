"""Everyone can sign in: invitations and password resets by one-time links — by e-mail, or
handed over once by an admin — and who has not signed in yet, for managers and HR."""
from __future__ import annotations

import re
from datetime import timedelta

from flashpoint.extensions import db
from flashpoint.notifications.models import AccountToken
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from tests.factories import make_manager, make_team, make_user
from tests.notifications.factories import deliver

NEW_PASSWORD = "a long new password"


def _link_in(mail) -> str:
    match = re.search(r"http://flashpoint\.test(/account/(?:welcome|reset)/[A-Za-z0-9_-]+)", mail.text)
    assert match, mail.text
    return match.group(1)


def _set_password(client, path, password=NEW_PASSWORD):
    from tests.conftest import csrf_token_from

    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    return client.post(path, data={"new": password, "confirm": password,
                                   "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_invitation_by_email_end_to_end(app, client, login, post_form, mailbox):
    team = make_team()
    newcomer = make_user(name="Nia New", team=team, password=None)
    admin = make_user("admin")
    login(admin)
    page = client.get("/people/not-signed-in").get_data(as_text=True)
    assert "Nia New" in page and "not invited" in page
    response = post_form(f"/people/{newcomer.id}/invite", {}, page="/people/not-signed-in")
    assert response.status_code == 302
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "account.invitation"))
    assert note.recipient_id == newcomer.id and note.secret_url.startswith("http://flashpoint.test/account/welcome/")
    post_form("/logout", {}, page="/people/not-signed-in")

    deliver()
    [mail] = mailbox.to(newcomer.email)
    path = _link_in(mail)
    assert "Set your password" in mail.html
    response = _set_password(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    assert newcomer.check_password(NEW_PASSWORD) and newcomer.last_login_at is not None
    assert "Nia" in client.get("/").get_data(as_text=True)
    # Single use: the same link again is refused, and the password stays.
    post_form("/logout", {}, page="/")
    assert client.get(path).status_code == 410
    assert "already been used" in client.get(path).get_data(as_text=True)


def test_person_with_neither_gets_a_printable_link_shown_once_to_the_admin(app, client, login, post_form, mailbox):
    floor = make_user(name="Flo Floor", email="flo@shopfloor.invalid", password=None)
    login(make_user("admin"))
    response = post_form(f"/people/{floor.id}/invite", {}, page="/people/not-signed-in")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    match = re.search(r"http://flashpoint\.test(/account/welcome/[A-Za-z0-9_-]+)", page)
    assert match and "shown <strong>only now</strong>" in page and "data:image/svg+xml" in page
    token = match.group(1).rsplit("/", 1)[1]
    # Not stored anywhere it could be shown again: only its hash, and no notification carries it.
    assert db.session.scalar(db.select(AccountToken)).token_hash != token
    assert db.session.scalar(db.select(Notification).where(Notification.kind == "account.invitation")) is None
    assert token not in client.get("/people/not-signed-in").get_data(as_text=True)
    assert token not in client.get("/admin/outbox").get_data(as_text=True)
    assert "handed over" in client.get("/people/not-signed-in").get_data(as_text=True)
    post_form("/logout", {}, page="/")
    assert _set_password(client, match.group(1)).status_code == 302
    assert mailbox.received == []


def test_send_again_replaces_the_earlier_link(app, client, login, post_form, mailbox):
    person = make_user(name="Ria Again", password=None)
    login(make_user("admin"))
    post_form(f"/people/{person.id}/invite", {}, page="/people/not-signed-in")
    deliver()
    page = client.get("/people/not-signed-in").get_data(as_text=True)
    assert "Send again" in page
    post_form(f"/people/{person.id}/invite", {}, page="/people/not-signed-in")
    deliver(utcnow() + timedelta(minutes=1))
    first, second = [_link_in(m) for m in mailbox.to(person.email)]
    post_form("/logout", {}, page="/")
    assert "replaced" in client.get(first).get_data(as_text=True)
    assert _set_password(client, second).status_code == 302


def test_invite_everyone_who_has_not_signed_in(app, client, login, post_form, mailbox):
    admin = make_user("admin")
    mailed = [make_user(name=f"Mailed {n}", password=None) for n in range(2)]
    floor = make_user(name="Hand Over", email="hand@floor.invalid", password=None)
    signed_in = make_user(name="Signed In", last_login_at=utcnow())
    login(admin)
    response = post_form("/people/invite-all", {}, page="/people/not-signed-in")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Hand Over" in page and "/account/welcome/" in page
    deliver()
    assert sorted(m.rcpt_tos[0] for m in mailbox.received) == sorted(p.email for p in mailed)
    assert not mailbox.to(signed_in.email) and not mailbox.to(admin.email)
    # Again: those with a working invitation are not invited twice.
    response = post_form("/people/invite-all", {}, page="/people/not-signed-in")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(AccountToken.id))) == 3


def test_invitation_expires(app, client, mailbox):
    from flashpoint.notifications import services

    person = make_user(password=None)
    _link, token = services.issue_account_link(person, "invitation", utcnow() - timedelta(days=15))
    db.session.commit()
    response = client.get(f"/account/welcome/{token}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_password_reset_end_to_end(app, client, post_form, mailbox):
    person = make_user(name="Rex Reset")
    response = post_form("/account/forgot", {"email": person.email.upper()})
    assert "Check your messages" in response.get_data(as_text=True)
    deliver()
    [mail] = mailbox.to(person.email)
    assert mail.message["Subject"] == "Reset your Flashpoint password"
    path = _link_in(mail)
    assert path.startswith("/account/reset/")
    assert _set_password(client, path, "another good password").status_code == 302
    db.session.expire_all()
    assert person.check_password("another good password")


def test_forgot_password_never_reveals_whether_an_address_has_an_account(app, client, post_form, mailbox):
    make_user(email="known@example.test")
    known = post_form("/account/forgot", {"email": "known@example.test"}).get_data(as_text=True)
    unknown = post_form("/account/forgot", {"email": "stranger@example.test"}).get_data(as_text=True)
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (csrf tokens differ)
    assert strip(known) == strip(unknown)
    deliver()
    assert [m.rcpt_tos for m in mailbox.received] == [["known@example.test"]]


def test_repeated_forgot_requests_send_one_link(app, post_form, mailbox):
    person = make_user()
    for _ in range(3):
        post_form("/account/forgot", {"email": person.email})
    deliver()
    assert len(mailbox.to(person.email)) == 1


def test_reset_link_is_not_an_invitation_link(app, client, post_form, mailbox):
    person = make_user()
    post_form("/account/forgot", {"email": person.email})
    deliver()
    token = _link_in(mailbox.to(person.email)[0]).rsplit("/", 1)[1]
    assert client.get(f"/account/welcome/{token}").status_code == 410


def test_weak_password_is_refused_and_link_stays_usable(app, client, mailbox):
    from flashpoint.notifications import services
    from tests.conftest import csrf_token_from

    person = make_user(password=None)
    _link, token = services.issue_account_link(person, "invitation", utcnow(), hand_over=True)
    db.session.commit()
    path = f"/account/welcome/{token}"
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"new": "short", "confirm": "short", "csrf_token": csrf_token_from(html)})
    assert response.status_code == 200 and "needs at least 10 characters" in response.get_data(as_text=True)
    assert _set_password(client, path).status_code == 302


def test_forgot_password_requests_are_rate_limited(app, client, post_form, mailbox):
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "2 per minute"
    statuses = [post_form("/account/forgot", {"email": f"x{n}@example.test"}, page="/account/forgot").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


def test_login_page_links_to_forgot_password(app, client):
    assert 'href="/account/forgot"' in client.get("/login").get_data(as_text=True)


def test_manager_sees_own_teams_not_signed_in_and_cannot_invite(app, client, login, post_form):
    team, elsewhere = make_team(), make_team()
    manager = make_manager(team, last_login_at=utcnow())
    mine = make_user(name="Mine Waiting", team=team, password=None)
    make_user(name="Other Waiting", team=elsewhere, password=None)
    login(manager)
    home = client.get("/").get_data(as_text=True)
    assert "Not signed in yet" in home
    page = client.get("/people/not-signed-in").get_data(as_text=True)
    assert "Mine Waiting" in page and "Other Waiting" not in page
    assert "Invite everyone" not in page
    response = post_form(f"/people/{mine.id}/invite", {}, page="/people/not-signed-in")
    assert response.status_code == 403


def test_hr_sees_everyone_not_signed_in(app, client, login):
    make_user(name="Anyone Waiting", team=make_team(), password=None)
    login(make_user("hr"))
    assert "Anyone Waiting" in client.get("/people/not-signed-in").get_data(as_text=True)


def test_staff_may_not_see_who_has_not_signed_in(app, client, login):
    login(make_user())
    assert client.get("/people/not-signed-in").status_code == 403


def test_admin_hands_a_sign_in_link_to_someone_who_forgot_their_password(app, client, login, post_form):
    person = make_user(name="Forgetful", email="forgetful@floor.invalid", last_login_at=utcnow())
    login(make_user("admin"))
    response = post_form("/people/sign-in-link", {"email": person.email}, page="/people/not-signed-in")
    assert response.status_code == 200
    match = re.search(r"http://flashpoint\.test(/account/reset/[A-Za-z0-9_-]+)", response.get_data(as_text=True))
    assert match
    post_form("/logout", {}, page="/")
    assert _set_password(client, match.group(1)).status_code == 302


def test_a_password_reset_signs_out_the_other_sessions(app, client, login, post_form, mailbox):
    person = make_user(name="Stolen Laptop")
    elsewhere = app.test_client()
    login(person, test_client=elsewhere)
    assert elsewhere.get("/notifications").status_code == 200
    post_form("/account/forgot", {"email": person.email})
    deliver()
    assert _set_password(client, _link_in(mailbox.to(person.email)[0])).status_code == 302
    assert client.get("/notifications").status_code == 200  # the browser that reset it stays in
    response = elsewhere.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
