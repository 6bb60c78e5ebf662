"""Each role's home page answers its first question, and what it shows is not also unread news."""
from __future__ import annotations

import re

from flashpoint.demo import DEMO_PASSWORD
from flashpoint.extensions import db
from flashpoint.notifications.services import unread_count
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import record_notification
from flashpoint.people.models import User
from tests.conftest import csrf_token_from
from tests.factories import make_manager, make_team, make_user


def _home_of(app, role: str) -> str:
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": f"{role}@demo.flashpoint.test", "password": DEMO_PASSWORD,
                                "csrf_token": token})
    return client.get("/").get_data(as_text=True)


def _panel(html: str, title: str) -> str:
    match = re.search(r"<section[^>]*>\s*<h2>" + re.escape(title) + r".*?</section>", html, re.S)
    assert match, f"no panel {title!r}"
    return match.group(0)


def test_the_demo_manager_sees_praise_to_celebrate_approvals_and_engagement(demo_app):
    with demo_app.app_context():
        html = _home_of(demo_app, "manager")
        praise = _panel(html, "Praise to celebrate")
        assert praise.count(">Celebrate</a>") == 3 and "/heroes/new?feedback=" in praise
        assert "Hero stories to approve" in html
        engagement = _panel(html, "Engagement")
        assert "Downtown Store" in engagement and "answered" in engagement and "<svg" in engagement
        manager = db.session.scalar(db.select(User).where(User.email == "manager@demo.flashpoint.test"))
        assert unread_count(manager.id) <= 5  # a handful: praise and approvals are on the page itself


def test_hr_reads_the_organisations_engagement(demo_app):
    with demo_app.app_context():
        html = _home_of(demo_app, "hr")
        engagement = _panel(html, "Engagement")
        assert "The organisation" in engagement and re.search(r"\d+% answered", engagement)
        assert "Praise to celebrate" not in html  # HR manages no team: the inbox is theirs, not a home chore
        unsung = _panel(html, "Unsung heroes")
        assert "mention" in unsung
        ideas = _panel(html, "Ideas by status")
        assert "status=implemented" in ideas and "status=planned" in ideas
        answer = _panel(html, "Engagement and customers")
        assert re.search(r"<strong>(Yes|No|Not known yet)\.</strong>", answer)


def test_staff_read_praise_about_them(demo_app):
    with demo_app.app_context():
        html = _home_of(demo_app, "staff")
        assert "Customers named you" in html and "Engagement" not in html
        assert "Unsung heroes" not in html and "Ideas by status" not in html


def test_a_kind_shown_at_home_is_filed_read_and_still_delivered(app):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    staff = make_user(team=team, name="Sam Okafor")
    alert = record_notification("praise.manager_alert", "Customer praise for your team", "x", recipient=manager)
    news = record_notification("idea.status_changed", "Your idea moved", "y", recipient=staff)
    db.session.commit()
    assert alert.read_at is not None and news.read_at is None
    assert alert.state == news.state == "pending"  # Slack and e-mail still carry it
    assert unread_count(manager.id) == 0 and unread_count(staff.id) == 1
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 2
