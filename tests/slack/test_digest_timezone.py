"""The Friday digest at 16:00 in ORG_TIMEZONE, not in UTC."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.slack.factories import make_slack_team
from tests.slack.test_digest import celebrate, next_friday, notes, tick


@pytest.fixture
def app_overrides(fake_slack):
    from tests.slack.helpers import slack_settings

    return slack_settings(fake_slack, ORG_TIMEZONE="America/New_York")


def test_the_digest_follows_the_organisations_time_zone(app, runner):
    people = make_slack_team()
    celebrate(people, "Drove a spare part over on a Sunday.")
    friday = next_friday()
    # 16:00 in New York is 21:00 UTC in winter (EST) and 20:00 UTC in summer (EDT).
    due = friday - ZoneInfo("America/New_York").utcoffset(friday)
    tick(runner, due - timedelta(minutes=1))
    assert notes("digest.weekly") == []
    tick(runner, due)
    assert len(notes("digest.weekly")) == 1
