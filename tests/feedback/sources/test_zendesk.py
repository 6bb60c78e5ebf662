"""The Zendesk connector against a fake Zendesk: paging, mapping, retries, garbage, resuming."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from recognition.feedback.sources.base import SourceError
from recognition.feedback.sources.http import HttpClient
from recognition.feedback.sources.zendesk import ZendeskSource
from tests.feedback.sources.fake_zendesk import EMAIL, TOKEN, FakeZendesk

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def zendesk():
    with FakeZendesk() as fake:
        fake.add_user(501, "Ana.Lopez@acme.test", "Ana López")
        fake.add_user(502, "ben@acme.test", "Ben")
        yield fake


def source(fake, waits=None, **kwargs) -> ZendeskSource:
    waits = waits if waits is not None else []
    http = HttpClient(provider="Zendesk", auth=(f"{EMAIL}/token", TOKEN), sleep=waits.append,
                      timeout=(1.0, 0.3), attempts=3)
    options = {"group_teams": {"11": "support", "12": "billing"}, "default_team": None, **kwargs}
    return ZendeskSource(fake.url, EMAIL, TOKEN, http=http, **options)


def pull(src, cursor=None, since=None):
    pages = list(src.pages(cursor, since))
    return pages, [item for page in pages for item in page.items]


def test_pages_through_ratings_and_maps_them(zendesk, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.zendesk.PAGE_SIZE", 2)
    zendesk.add_rating(1, "good", created=T0, comment="Ana sorted it in minutes")
    zendesk.add_rating(2, "bad", created=T0 + timedelta(minutes=1), assignee_id=502, group_id=12)
    zendesk.add_rating(3, "offered", created=T0 + timedelta(minutes=2))
    zendesk.add_rating(4, "unoffered", created=T0 + timedelta(minutes=3))
    zendesk.add_rating(5, 4, created=T0 + timedelta(minutes=4), group_id=None)
    zendesk.add_rating(6, "good", created=T0 + timedelta(minutes=5), group_id=99, assignee_id=777)
    zendesk.add_rating(7, "good", created=T0 + timedelta(minutes=6))
    pages, items = pull(source(zendesk))
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert [p.more for p in pages] == [True, True, False]
    by_id = {i.source_item_id: i for i in items}
    assert sorted(by_id) == ["1", "2", "5", "6", "7"]  # offered and unoffered: no answer, skipped
    assert (by_id["1"].score, by_id["1"].team, by_id["1"].employee_email) == (5, "support", "ana.lopez@acme.test")
    assert by_id["1"].comment == "Ana sorted it in minutes" and by_id["1"].metric == "csat"
    assert by_id["1"].received_at == T0 and not by_id["1"].consent
    assert (by_id["2"].score, by_id["2"].team, by_id["2"].employee_email) == (1, "billing", "ben@acme.test")
    assert by_id["5"].score == 4 and by_id["5"].team is None and "no group" in by_id["5"].aside_reason
    assert by_id["6"].team is None and "group 99" in by_id["6"].aside_reason
    assert by_id["6"].employee_email is None  # an assignee Zendesk no longer knows credits nobody
    assert by_id["7"].aside_reason is None
    # The ratings were asked with the received filter; e-mails in one show_many call per page,
    # each id asked once in the run.
    first = zendesk.requests_to("/api/v2/satisfaction_ratings.json")[0]
    assert first.arg("score") == "received" and first.arg("page[size]") == "2"
    show = zendesk.requests_to("/api/v2/users/show_many.json")
    assert [s.arg("ids") for s in show] == ["501,502", "777"]


def test_default_team_takes_unmapped_groups(zendesk):
    zendesk.add_rating(1, "good", created=T0, group_id=99)
    _, items = pull(source(zendesk, default_team="front-desk"))
    assert items[0].team == "front-desk" and items[0].aside_reason is None


def test_unknown_score_is_set_aside_naming_it(zendesk):
    zendesk.add_rating(1, "meh", created=T0)
    _, items = pull(source(zendesk))
    assert items[0].score is None and "'meh'" in items[0].aside_reason


def test_429_then_success_waits_as_told(zendesk):
    zendesk.add_rating(1, "good", created=T0)
    zendesk.fail("429:7")
    waits = []
    _, items = pull(source(zendesk, waits))
    assert [i.source_item_id for i in items] == ["1"] and waits == [7.0]


def test_429_with_an_http_date(zendesk):
    zendesk.add_rating(1, "good", created=T0)
    zendesk.fail("429:Wed, 21 Oct 2015 07:28:00 GMT")  # in the past: ask again at once
    waits = []
    pull(source(zendesk, waits))
    assert waits == [0.0]


def test_5xx_and_timeouts_then_success_back_off(zendesk):
    zendesk.add_rating(1, "good", created=T0)
    zendesk.fail("500", "timeout")
    waits = []
    _, items = pull(source(zendesk, waits))
    assert len(items) == 1 and waits == [1.0, 2.0]


def test_persistent_5xx_stops_with_the_last_good_pages_cursor(zendesk, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.zendesk.PAGE_SIZE", 1)
    zendesk.add_rating(1, "good", created=T0)
    zendesk.add_rating(2, "good", created=T0 + timedelta(minutes=1))
    src = source(zendesk)
    pages = src.pages(None, None)
    first = next(pages)
    assert [i.source_item_id for i in first.items] == ["1"] and first.more
    zendesk.fail_always = "503"
    with pytest.raises(SourceError, match="page 2 failed \\(HTTP 503\\), 3 times"):
        next(pages)
    # Resuming from the first page's cursor takes the second rating, not the first again.
    zendesk.fail_always = None
    _, items = pull(source(zendesk), cursor=first.cursor)
    assert [i.source_item_id for i in items] == ["2"]


def test_garbage_is_an_error_naming_the_page(zendesk):
    zendesk.fail("garbage")
    with pytest.raises(SourceError, match="satisfaction ratings page 1 did not answer JSON"):
        pull(source(zendesk))


def test_wrong_shape_is_an_error(zendesk):
    from tests.feedback.sources.fakeserver import Answer
    zendesk.fail(Answer(200, {"tickets": []}))
    with pytest.raises(SourceError, match="page 1 is not of the expected shape"):
        pull(source(zendesk))


def test_bad_credentials_are_named(zendesk):
    http = HttpClient(provider="Zendesk", auth=(f"{EMAIL}/token", "wrong"), sleep=lambda s: None)
    with pytest.raises(SourceError, match="refused the credentials \\(HTTP 401\\)"):
        pull(ZendeskSource(zendesk.url, EMAIL, "wrong", http=http))


def test_resuming_takes_nothing_twice_and_catches_late_answers(zendesk):
    zendesk.add_rating(1, "good", created=T0)
    zendesk.add_rating(2, "offered", created=T0 + timedelta(minutes=1))
    zendesk.add_rating(3, "bad", created=T0 + timedelta(minutes=2))
    pages, items = pull(source(zendesk))
    assert [i.source_item_id for i in items] == ["1", "3"]
    cursor = pages[-1].cursor
    _, again = pull(source(zendesk), cursor=cursor)
    assert again == []
    # The survey offered before the cursor is answered afterwards; a new rating arrives too.
    zendesk.answer(2, "good", T0 + timedelta(days=3), comment="Thanks Ben")
    zendesk.add_rating(4, "good", created=T0 + timedelta(days=3, minutes=1))
    pages, items = pull(source(zendesk), cursor=cursor)
    assert [(i.source_item_id, i.score, i.received_at) for i in items] == [
        ("2", 5, T0 + timedelta(days=3)), ("4", 5, T0 + timedelta(days=3, minutes=1))]
    asked = zendesk.requests_to("/api/v2/satisfaction_ratings.json")[-1]
    assert int(asked.arg("start_time")) < int(T0.timestamp())  # the answer window is re-read
    _, items = pull(source(zendesk), cursor=pages[-1].cursor)
    assert items == []


def test_since_starts_there(zendesk):
    zendesk.add_rating(1, "good", created=T0)
    zendesk.add_rating(2, "good", created=T0 + timedelta(days=2))
    _, items = pull(source(zendesk), since=T0 + timedelta(days=1))
    assert [i.source_item_id for i in items] == ["2"]


def test_from_config():
    assert ZendeskSource.from_config({}) is None
    src = ZendeskSource.from_config({"ZENDESK_URL": "https://acme.zendesk.com/", "ZENDESK_EMAIL": "a@b.c",
                                     "ZENDESK_API_TOKEN": "t", "ZENDESK_GROUP_TEAMS": "11=support, 12=billing",
                                     "ZENDESK_DEFAULT_TEAM": "front"})
    assert src.base_url == "https://acme.zendesk.com" and src.group_teams == {"11": "support", "12": "billing"}
    assert src.default_team == "front" and src.problem is None
    broken = ZendeskSource.from_config({"ZENDESK_URL": "u", "ZENDESK_EMAIL": "e", "ZENDESK_API_TOKEN": "t",
                                        "ZENDESK_GROUP_TEAMS": "11"})
    with pytest.raises(SourceError, match="ZENDESK_GROUP_TEAMS: '11' is not of the form"):
        list(broken.pages(None, None))
