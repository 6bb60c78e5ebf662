"""Every page of every role, as a phone shows it: nothing scrolls sideways, and axe-core finds no
serious or critical accessibility violation.

The pages are the URL map's GET routes (a new route is visited without anyone listing it), their
arguments filled from the demo organisation, for each role — plus the public pages a customer or
a signed-out colleague meets (the feedback form, the pulse page, sign-in). A route that answers a
role with anything but an HTML page (an export, JSON, a redirect, a refusal) is not that role's
page and is left out; the test asserts how many pages each role reached, so it cannot shrink
quietly.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for

from engagement.ideas.models import Idea
from engagement.pulses.models import PulseComment, PulseItem, PulseSchedule
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.people.models import Team, User
from recognition.feedback.models import Feedback
from recognition.stories.models import HeroStory
from tests.browser.conftest import DEMO_LOGINS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERIOUS = {"serious", "critical"}
# Pages each role must reach at least (the demo's own pages for that role; today's counts are higher).
AT_LEAST = {"signed out": 3, "staff": 12, "manager": 20, "hr": 28, "admin": 5}
PUBLIC = ("/login", "/f/store-downtown", "/pulse/not-a-valid-link", "/account/forgot")


def _fill(app, role: str) -> dict[str, object]:
    """A value for each path argument, from the demo organisation."""
    with app.app_context():
        me = db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS.get(role, "")))
        team = db.session.scalar(db.select(Team).where(Team.slug == "store-downtown"))
        first = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        values = {
            "story_id": first(db.select(HeroStory.id).where(HeroStory.state == "approved").order_by(HeroStory.id)),
            "idea_id": first(db.select(Idea.id).where(Idea.anonymous.is_(False)).order_by(Idea.id)),
            "feedback_id": first(db.select(Feedback.id).where(Feedback.team_id == team.id,
                                                              Feedback.positive.is_(True)).order_by(Feedback.id)),
            "comment_id": first(db.select(PulseComment.id).order_by(PulseComment.id)),
            "schedule_id": first(db.select(PulseSchedule.id).order_by(PulseSchedule.id)),
            "item_id": first(db.select(PulseItem.id).order_by(PulseItem.id)),
            "notification_id": first(db.select(Notification.id).where(
                Notification.recipient_id == (me.id if me else -1)).order_by(Notification.id)) or 1,
            "user_id": first(db.select(User.id).where(User.email == DEMO_LOGINS["staff"])),
            "team_id": team.id, "slug": team.slug, "token": "not-a-valid-link", "kind": "svg", "fingerprint": "0",
            "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User", "type_id": "User", "unknown": "Nothing",
        }
        db.session.remove()
    return values


def _paths(app, role: str) -> list[str]:
    values = _fill(app, role)
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("api."):
                continue
            missing = [arg for arg in rule.arguments if values.get(arg) is None]
            assert not missing, f"{rule.rule}: give <{missing[0]}> a value in _fill so every page is visited"
            paths.append(url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments}))
    return sorted(set(paths))


def _is_page(page, path: str) -> bool:
    """An HTML page this role may open (checked without drawing it)."""
    answer = page.request.get(path, max_redirects=0)
    return answer.status == 200 and answer.headers.get("content-type", "").startswith("text/html")


@pytest.mark.parametrize("role", sorted(AT_LEAST))
def test_every_page_fits_a_phone_and_passes_axe(phone_page, live_server, role):
    if role != "signed out":
        sign_in(phone_page, DEMO_LOGINS[role])
    candidates = _paths(live_server.app, role) + list(PUBLIC)
    if role == "admin":  # admins hold HR's rights too: HR's pages are checked under HR, these are their own
        candidates = ["/"] + [p for p in candidates if p.startswith("/admin")]
        # The e-mail preview shows the message as sent: its images point at BASE_URL, not this server.
        phone_page.watch.allow("Failed to load resource")
    # The sign-out link ends the session; the pages that only redirect or refuse are not this role's.
    pages = [p for p in dict.fromkeys(candidates) if p != "/logout" and _is_page(phone_page, p)]
    too_wide, violations = {}, {}
    for path in pages:
        phone_page.goto(path, wait_until="load")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > phone_page.viewport_size["width"] + 1:
            too_wide[path] = width
        results = Axe().run(phone_page)
        serious = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:2]}"
                   for v in results.response["violations"] if v.get("impact") in SERIOUS]
        if serious:
            violations[path] = serious
    assert len(pages) >= AT_LEAST[role], f"{role} reached only {len(pages)} pages: {pages}"
    if role == "admin":  # the demo's webhook, its deliveries and its item set aside, in the status table
        assert "/admin/sources" in pages
    assert too_wide == {}, f"{role}: pages wider than 390 px: {too_wide}"
    assert violations == {}, f"{role}: {violations}"
