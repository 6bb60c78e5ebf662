"""From a provider's API to a manager's praise inbox: `sync-source` against the fake Zendesk and
Google, the whole way through the sync service, intake validation and praise routing."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.praise.models import PraiseMatch
from tests.factories import make_manager, make_team, make_user
from tests.feedback.sources import fake_google, fake_zendesk
from tests.feedback.sources.fake_google import FakeGoogle
from tests.feedback.sources.fake_zendesk import FakeZendesk

T0 = datetime(2026, 3, 2, 9, 0, 0)
LOCATION = "accounts/111/locations/202"


@pytest.fixture
def zendesk():
    with FakeZendesk() as fake:
        yield fake


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        fake.reviews[LOCATION] = []
        yield fake


@pytest.fixture
def app_overrides(zendesk, google):
    return {"ZENDESK_URL": zendesk.url, "ZENDESK_EMAIL": fake_zendesk.EMAIL, "ZENDESK_API_TOKEN": fake_zendesk.TOKEN,
            "ZENDESK_GROUP_TEAMS": "11=support", "ZENDESK_DEFAULT_TEAM": None,
            "GOOGLE_BUSINESS_API_URL": google.url, "GOOGLE_BUSINESS_TOKEN": fake_google.TOKEN,
            "GOOGLE_LOCATION_TEAMS": f"{LOCATION}=station"}


def matches() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(m.user.name, m.matched_on) for m in db.session.scalars(db.select(PraiseMatch).order_by(PraiseMatch.id))]


def sync(app, name: str):
    result = app.test_cli_runner().invoke(args=["sync-source", name])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.both_databases
def test_zendesk_ratings_reach_the_assignees_manager(app, client, login, zendesk, db_backend):
    support = make_team("support", "Support")
    other = make_team("billing", "Billing")
    ana = make_user(team=support, name="Ana López", email="ana.lopez@acme.test")
    make_user(team=support, name="Ben Ortiz")
    manager = make_manager(support, name="Maya Chen")
    other_manager = make_manager(other, name="Olu Ade")
    zendesk.add_user(501, "Ana.Lopez@acme.test", "Ana L.")
    zendesk.add_rating(1, "good", created=T0, assignee_id=501, group_id=11, comment="Quick, kind and it works now")
    zendesk.add_rating(2, "bad", created=T0 + timedelta(minutes=1), assignee_id=501, group_id=11, comment="Slow")
    zendesk.add_rating(3, "offered", created=T0 + timedelta(minutes=2), assignee_id=501, group_id=11)
    zendesk.add_rating(4, "good", created=T0 + timedelta(minutes=3), assignee_id=501, group_id=99)

    output = sync(app, "zendesk")
    assert "2 taken" in output and "1 set aside" in output
    stored = {f.external_id: f for f in db.session.scalars(db.select(Feedback))}
    assert sorted(stored) == ["zendesk:1", "zendesk:2"]
    assert (stored["zendesk:1"].score, stored["zendesk:1"].team_id, stored["zendesk:1"].metric) == (5, support.id, "csat")
    assert stored["zendesk:2"].score == 1
    # The assignee is credited though the customer named nobody; the complaint praises nobody.
    assert matches() == [("Ana López", "credited by Zendesk")]

    login(manager)
    inbox = client.get("/praise").get_data(as_text=True)
    assert "Quick, kind and it works now" in inbox and "Ana López" in inbox and "Slow" not in inbox
    elsewhere = app.test_client()
    login(other_manager, test_client=elsewhere)
    assert "Quick, kind and it works now" not in elsewhere.get("/praise").get_data(as_text=True)

    # Syncing again takes nothing twice; a later answer is taken.
    assert "0 taken" in sync(app, "zendesk")
    zendesk.answer(3, "good", T0 + timedelta(days=2), comment="Sorted in the end")
    assert "1 taken" in sync(app, "zendesk")
    assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 3
    assert ana.id in {m.user_id for m in db.session.scalars(db.select(PraiseMatch))}


@pytest.mark.both_databases
def test_a_google_review_naming_someone_reaches_them_by_name(app, client, login, google, db_backend):
    station = make_team("station", "Station shop")
    make_user(team=station, name="Priya Shah")
    manager = make_manager(station, name="Sam Lee")
    google.add_review(LOCATION, "r1", 5, created=T0, comment="Priya at the counter was wonderful",
                      reviewer="Jo Customer")
    google.add_review(LOCATION, "r2", 2, created=T0 + timedelta(hours=1), comment="Queue too long")

    assert "2 taken" in sync(app, "google")
    review = db.session.scalar(db.select(Feedback).where(Feedback.external_id == "google:r1"))
    assert (review.score, review.team_id, review.consent) == (5, station.id, False)
    assert "Jo Customer" not in (review.comment + (review.helper_name or ""))
    assert matches() == [("Priya Shah", "priya")]
    login(manager)
    inbox = client.get("/praise").get_data(as_text=True)
    assert "Priya at the counter was wonderful" in inbox
    assert "0 taken" in sync(app, "google")
