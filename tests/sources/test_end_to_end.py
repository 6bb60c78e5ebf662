"""A real connector through the sync service: a fake Zendesk (its documented API, served locally)
synced by `sync-source zendesk`, the agent credited, an unmapped group set aside, nothing twice."""
from datetime import datetime

import pytest

from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.sources import sync
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource
from recognition.praise.models import PraiseMatch
from tests.factories import make_team, make_user
from tests.feedback.sources.fake_zendesk import EMAIL, TOKEN, FakeZendesk

T0 = datetime(2026, 3, 2, 9, 0, 0)
NOW = datetime(2026, 3, 2, 12, 0, 0)


@pytest.fixture
def zendesk(app):
    with FakeZendesk() as fake:
        fake.add_user(501, "Ana.Lopez@acme.test", "Ana López")
        app.config.update(ZENDESK_URL=fake.url, ZENDESK_EMAIL=EMAIL, ZENDESK_API_TOKEN=TOKEN,
                          ZENDESK_GROUP_TEAMS="11=shop")
        yield fake
        app.config.update(ZENDESK_URL=None, ZENDESK_EMAIL=None, ZENDESK_API_TOKEN=None, ZENDESK_GROUP_TEAMS="")


def test_sync_source_zendesk_credits_the_agent_sets_aside_an_unmapped_group_and_adds_nothing_twice(app, zendesk):
    team = make_team("shop")
    make_user(team=team, name="Ana López", email="ana.lopez@acme.test")
    zendesk.add_rating(1, "good", created=T0, comment="Quick and kind")
    zendesk.add_rating(2, "good", created=T0, group_id=99)
    report = sync.sync_source("zendesk", now=NOW)
    assert (report.taken, report.set_aside, report.error) == (1, 1, None), report
    assert list(db.session.scalars(db.select(Feedback.external_id))) == ["zendesk:1"]
    [match] = db.session.scalars(db.select(PraiseMatch))
    assert (match.user.name, match.matched_on) == ("Ana López", "credited by Zendesk")
    [aside] = db.session.scalars(db.select(FeedbackSetAside))
    assert aside.external_id == "zendesk:2" and "99" in aside.reason
    again = sync.sync_source("zendesk", since=datetime(2026, 3, 1), now=NOW)
    assert again.taken == 0 and db.session.scalar(db.select(db.func.count(Feedback.id))) == 1
    assert db.session.scalar(db.select(FeedbackSource.items_taken)) == 1
