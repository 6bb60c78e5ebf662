"""The connectors' shared HTTP client: Retry-After in both forms, bounded backoff, unreachable hosts."""
from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest

from recognition.feedback.sources.base import SourceError
from recognition.feedback.sources.http import HttpClient, parse_instant, parse_mapping, retry_after_seconds
from tests.feedback.sources.fakeserver import Answer, FakeServer

NOW = datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)


def test_retry_after_in_seconds_or_as_an_http_date():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Mon, 02 Mar 2026 09:00:30 GMT", now=lambda: NOW) == 30.0
    assert retry_after_seconds("Mon, 02 Mar 2026 08:00:00 GMT", now=lambda: NOW) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_backoff_is_exponential_and_capped():
    waits: list[float] = []
    with FakeServer() as fake:
        fake.fail_always = "500"
        client = HttpClient(provider="Acme", sleep=waits.append, attempts=6, first_wait=1, max_wait=5)
        with pytest.raises(SourceError, match="Acme: the list failed \\(HTTP 500\\), 6 times"):
            client.get_json(fake.url + "/x", what="the list")
        assert waits == [1, 2, 4, 5, 5] and len(fake.seen) == 6


def test_unreachable_host_is_retried_then_an_error():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits: list[float] = []
    client = HttpClient(provider="Acme", sleep=waits.append, attempts=2)
    with pytest.raises(SourceError, match="could not be reached, 2 times"):
        client.get_json(f"http://127.0.0.1:{port}/x", what="the list")
    assert waits == [1.0]


def test_a_refusal_is_not_retried():
    with FakeServer() as fake:
        fake.fail(Answer(404, {}))
        client = HttpClient(provider="Acme", sleep=lambda s: None)
        with pytest.raises(SourceError, match="answered HTTP 404"):
            client.get_json(fake.url + "/x", what="the list")
        assert len(fake.seen) == 1


def test_instants_and_mappings():
    assert parse_instant("2026-03-02T09:00:00.123456789Z", "P", "w") == datetime(2026, 3, 2, 9, 0, 0, 123456)
    assert parse_instant("2026-03-02T10:00:00+01:00", "P", "w") == datetime(2026, 3, 2, 9, 0)
    with pytest.raises(SourceError, match="without a readable time"):
        parse_instant("yesterday", "P", "w")
    assert parse_mapping(" 1=a , accounts/1/locations/2=b,", "X") == {"1": "a", "accounts/1/locations/2": "b"}
    with pytest.raises(ValueError, match="X: '=a' is not of the form"):
        parse_mapping("=a", "X")
