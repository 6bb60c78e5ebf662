"""The Freshdesk connector against a fake Freshdesk: paging, both rating scales, retries, resuming."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from recognition.feedback.sources.base import SourceError
from recognition.feedback.sources.freshdesk import FreshdeskSource
from recognition.feedback.sources.http import HttpClient
from tests.feedback.sources.fake_freshdesk import API_KEY, FakeFreshdesk

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def freshdesk():
    with FakeFreshdesk() as fake:
        fake.add_agent(301, "Ana.Lopez@acme.test", "Ana López")
        fake.add_agent(302, "ben@acme.test", "Ben")
        yield fake


def source(fake, waits=None, **kwargs) -> FreshdeskSource:
    waits = waits if waits is not None else []
    http = HttpClient(provider="Freshdesk", auth=(API_KEY, "X"), sleep=waits.append, timeout=(1.0, 0.3), attempts=3)
    options = {"group_teams": {"21": "support", "22": "billing"}, "default_team": None, **kwargs}
    return FreshdeskSource(fake.url, API_KEY, http=http, **options)


def pull(src, cursor=None, since=None):
    pages = list(src.pages(cursor, since))
    return pages, [item for page in pages for item in page.items]


@pytest.mark.parametrize("answer, score", [
    (103, 5), (102, 4), (101, 4), (100, 3), (-101, 2), (-102, 2), (-103, 1),  # Freshdesk's scale
    (1, 1), (3, 3), (5, 5),                                                   # already 1–5
])
def test_rating_scales(freshdesk, answer, score):
    freshdesk.add_rating(1, answer, created=T0)
    _, items = pull(source(freshdesk))
    assert items[0].score == score and items[0].aside_reason is None


@pytest.mark.parametrize("answer, reason", [(None, "not answered"), (7, "neither 1–5"), ("happy", "not a number")])
def test_unusable_answers_are_set_aside(freshdesk, answer, reason):
    freshdesk.add_rating(1, answer, created=T0)
    _, items = pull(source(freshdesk))
    assert items[0].score is None and reason in items[0].aside_reason


def test_pages_and_maps(freshdesk, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.freshdesk.PER_PAGE", 2)
    freshdesk.add_rating(1, 103, created=T0, feedback="Ana was lovely", extra={"question_2": -102})
    freshdesk.add_rating(2, -103, created=T0 + timedelta(minutes=1), agent_id=302, group_id=22)
    freshdesk.add_rating(3, 102, created=T0 + timedelta(minutes=2), group_id=None)
    freshdesk.add_rating(4, 100, created=T0 + timedelta(minutes=3), group_id=77, agent_id=999)
    freshdesk.add_rating(5, 101, created=T0 + timedelta(minutes=4))
    pages, items = pull(source(freshdesk))
    assert [len(p.items) for p in pages] == [2, 2, 1] and [p.more for p in pages] == [True, True, False]
    by_id = {i.source_item_id: i for i in items}
    one = by_id["1"]
    assert (one.score, one.team, one.employee_email, one.comment) == (5, "support", "ana.lopez@acme.test", "Ana was lovely")
    assert one.received_at == T0 and one.metric == "csat" and not one.consent
    assert (by_id["2"].score, by_id["2"].team, by_id["2"].employee_email) == (1, "billing", "ben@acme.test")
    assert by_id["3"].team is None and "no group" in by_id["3"].aside_reason
    assert by_id["4"].team is None and "group 77" in by_id["4"].aside_reason
    assert by_id["4"].employee_email is None  # a deleted agent (404) credits nobody
    # Each agent asked once in the run, whatever the number of ratings.
    assert sorted(s.path for s in freshdesk.seen if s.path.startswith("/api/v2/agents/")) == [
        "/api/v2/agents/301", "/api/v2/agents/302", "/api/v2/agents/999"]
    first = freshdesk.requests_to("/api/v2/surveys/satisfaction_ratings")[0]
    assert first.arg("per_page") == "2" and first.arg("page") == "1"


def test_default_team(freshdesk):
    freshdesk.add_rating(1, 103, created=T0, group_id=77)
    _, items = pull(source(freshdesk, default_team="front-desk"))
    assert items[0].team == "front-desk" and items[0].aside_reason is None


def test_429_then_success(freshdesk):
    freshdesk.add_rating(1, 103, created=T0)
    freshdesk.fail("429:30")
    waits = []
    _, items = pull(source(freshdesk, waits))
    assert len(items) == 1 and waits == [30.0]


def test_a_very_long_retry_after_ends_the_sync(freshdesk):
    freshdesk.fail("429:3600")
    with pytest.raises(SourceError, match="asked to wait 3600 s"):
        pull(source(freshdesk))


def test_5xx_then_success(freshdesk):
    freshdesk.add_rating(1, 103, created=T0)
    freshdesk.fail("502", "500")
    waits = []
    _, items = pull(source(freshdesk, waits))
    assert len(items) == 1 and waits == [1.0, 2.0]


def test_persistent_5xx_keeps_the_last_good_cursor(freshdesk, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.freshdesk.PER_PAGE", 1)
    freshdesk.add_rating(1, 103, created=T0)
    freshdesk.add_rating(2, 102, created=T0 + timedelta(minutes=1))
    pages = source(freshdesk).pages(None, None)
    first = next(pages)
    freshdesk.fail_always = "500"
    freshdesk.fault_paths = ("/api/v2/surveys/",)
    with pytest.raises(SourceError, match="satisfaction ratings page 2 failed \\(HTTP 500\\), 3 times"):
        next(pages)
    freshdesk.fail_always = None
    _, items = pull(source(freshdesk), cursor=first.cursor)
    assert [i.source_item_id for i in items] == ["2"]


def test_garbage_and_wrong_shape(freshdesk):
    from tests.feedback.sources.fakeserver import Answer
    freshdesk.fail("garbage")
    with pytest.raises(SourceError, match="page 1 did not answer JSON"):
        pull(source(freshdesk))
    freshdesk.fail(Answer(200, {"ratings": []}))
    with pytest.raises(SourceError, match="page 1 is not of the expected shape \\(not a list"):
        pull(source(freshdesk))


def test_resume_takes_nothing_twice(freshdesk):
    freshdesk.add_rating(1, 103, created=T0)
    freshdesk.add_rating(2, 103, created=T0 + timedelta(minutes=1))
    pages, _ = pull(source(freshdesk))
    cursor = pages[-1].cursor
    assert pull(source(freshdesk), cursor=cursor)[1] == []
    # A rating in the same second as the last one taken, and a later one.
    freshdesk.add_rating(3, 101, created=T0 + timedelta(minutes=1))
    freshdesk.add_rating(4, 100, created=T0 + timedelta(minutes=5))
    pages, items = pull(source(freshdesk), cursor=cursor)
    assert [i.source_item_id for i in items] == ["3", "4"]
    asked = freshdesk.requests_to("/api/v2/surveys/satisfaction_ratings")[-1]
    assert asked.arg("created_since") == "2026-03-02T09:01:00Z"
    assert pull(source(freshdesk), cursor=pages[-1].cursor)[1] == []


def test_since(freshdesk):
    freshdesk.add_rating(1, 103, created=T0)
    freshdesk.add_rating(2, 103, created=T0 + timedelta(days=2))
    _, items = pull(source(freshdesk), since=T0 + timedelta(days=1))
    assert [i.source_item_id for i in items] == ["2"]


def test_from_config():
    assert FreshdeskSource.from_config({"FRESHDESK_URL": "https://acme.freshdesk.com"}) is None
    src = FreshdeskSource.from_config({"FRESHDESK_URL": "https://acme.freshdesk.com/", "FRESHDESK_API_KEY": "k",
                                       "FRESHDESK_GROUP_TEAMS": "21=support", "FRESHDESK_DEFAULT_TEAM": ""})
    assert src.group_teams == {"21": "support"} and src.default_team is None
