"""The Google Business Profile connector against a fake reviews API."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from recognition.feedback.sources.base import SourceError
from recognition.feedback.sources.google import GoogleSource
from recognition.feedback.sources.http import HttpClient
from tests.feedback.sources.fake_google import TOKEN, FakeGoogle

T0 = datetime(2026, 3, 2, 9, 0, 0)
HIGH_ST = "accounts/111/locations/201"
STATION = "accounts/111/locations/202"


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        fake.reviews[HIGH_ST] = []
        fake.reviews[STATION] = []
        yield fake


def source(fake, waits=None, token=TOKEN) -> GoogleSource:
    waits = waits if waits is not None else []
    http = HttpClient(provider="Google Business Profile", sleep=waits.append, timeout=(1.0, 0.3), attempts=3)
    return GoogleSource(fake.url, token, {HIGH_ST: "high-street", STATION: "station"}, http=http)


def pull(src, cursor=None, since=None):
    pages = list(src.pages(cursor, since))
    return pages, [item for page in pages for item in page.items]


def test_pages_locations_and_maps_stars(google, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.google.PAGE_SIZE", 2)
    for n, stars in enumerate([1, 2, 3, 4, 5]):
        google.add_review(HIGH_ST, f"hs{n}", stars, created=T0 + timedelta(hours=n), comment=f"Visit {n}")
    google.add_review(HIGH_ST, "hs-none", "STAR_RATING_UNSPECIFIED", created=T0 + timedelta(hours=9))
    google.add_review(STATION, "st0", 5, created=T0, comment="Priya at the counter was wonderful")
    pages, items = pull(source(google))
    assert [len(p.items) for p in pages] == [2, 2, 2, 1]
    assert [p.more for p in pages] == [True, True, True, False]
    by_id = {i.source_item_id: i for i in items}
    assert [by_id[f"hs{n}"].score for n in range(5)] == [1, 2, 3, 4, 5]
    assert by_id["hs-none"].score is None and "no star rating" in by_id["hs-none"].aside_reason
    assert by_id["hs-none"].comment == ""  # a rating without words
    st = by_id["st0"]
    assert (st.team, st.comment, st.employee_email, st.consent, st.metric) == (
        "station", "Priya at the counter was wonderful", None, False, "csat")
    assert st.received_at == T0
    assert all("Pat" not in i.comment for i in items)  # the reviewer's name is never kept
    first = google.seen[0]
    assert first.arg("orderBy") == "updateTime desc" and first.arg("pageSize") == "2"
    assert first.path == f"/v4/{HIGH_ST}/reviews"


def test_429_and_5xx_then_success(google):
    google.add_review(HIGH_ST, "a", 5, created=T0)
    google.fail("429:2", "503")
    waits = []
    _, items = pull(source(google, waits))
    assert [i.source_item_id for i in items] == ["a"] and waits == [2.0, 2.0]


def test_persistent_5xx_keeps_the_cursor_of_the_last_whole_location(google, monkeypatch):
    monkeypatch.setattr("recognition.feedback.sources.google.PAGE_SIZE", 1)
    google.add_review(HIGH_ST, "a", 5, created=T0)
    google.add_review(STATION, "b", 4, created=T0)
    google.add_review(STATION, "c", 4, created=T0 + timedelta(hours=1))
    pages = source(google).pages(None, None)
    first = next(pages)  # the high street, read whole
    second = next(pages)  # the station's first page
    assert [i.source_item_id for i in first.items + second.items] == ["a", "c"]
    google.fail_always = "500"
    with pytest.raises(SourceError, match=f"reviews of {STATION}, page 2 failed \\(HTTP 500\\), 3 times"):
        next(pages)
    google.fail_always = None
    # The station is read again from its top (the sync layer keeps "c" once); the high street is not.
    _, items = pull(source(google), cursor=second.cursor)
    assert [i.source_item_id for i in items] == ["c", "b"]


def test_garbage(google):
    google.fail("garbage")
    with pytest.raises(SourceError, match=f"reviews of {HIGH_ST}, page 1 did not answer JSON"):
        pull(source(google))


def test_wrong_shape(google):
    from tests.feedback.sources.fakeserver import Answer
    google.fail(Answer(200, {"reviews": [{"starRating": "FIVE"}]}))
    with pytest.raises(SourceError, match="a review without a reviewId"):
        pull(source(google))


def test_expired_token(google):
    with pytest.raises(SourceError, match="refused the credentials \\(HTTP 401\\)"):
        pull(source(google, token="expired"))


def test_resume_reads_only_newer_reviews(google):
    google.add_review(HIGH_ST, "a", 5, created=T0)
    google.add_review(STATION, "b", 4, created=T0)
    pages, _ = pull(source(google))
    cursor = pages[-1].cursor
    assert pull(source(google), cursor=cursor)[1] == []
    google.add_review(HIGH_ST, "c", 3, created=T0 + timedelta(days=1))
    pages, items = pull(source(google), cursor=cursor)
    assert [i.source_item_id for i in items] == ["c"]
    assert len(google.requests_to(f"/v4/{HIGH_ST}/reviews")) == 3  # one page each time, stopped early
    # An edited review comes back under its id (the sync layer does not take it twice).
    google.edit(STATION, "b", T0 + timedelta(days=2), "Edited")
    _, items = pull(source(google), cursor=pages[-1].cursor)
    assert [i.source_item_id for i in items] == ["b"]


def test_since_stops_at_older_reviews(google):
    google.add_review(HIGH_ST, "old", 5, created=T0)
    google.add_review(HIGH_ST, "new", 5, created=T0 + timedelta(days=3))
    _, items = pull(source(google), since=T0 + timedelta(days=1))
    assert [i.source_item_id for i in items] == ["new"]


def test_from_config():
    assert GoogleSource.from_config({"GOOGLE_BUSINESS_TOKEN": "t"}) is None
    src = GoogleSource.from_config({"GOOGLE_BUSINESS_TOKEN": "t", "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    assert src.api_url == "https://mybusiness.googleapis.com" and src.location_teams == {HIGH_ST: "high-street"}
    bad = GoogleSource.from_config({"GOOGLE_BUSINESS_TOKEN": "t", "GOOGLE_LOCATION_TEAMS": "locations/1=x"})
    with pytest.raises(SourceError, match="is not of the form accounts/"):
        list(bad.pages(None, None))


@pytest.fixture
def token_endpoint(google, monkeypatch):
    # google-auth sends an authorized user's refresh token to Google's endpoint whatever the file
    # says (a file cannot redirect it); the test points that endpoint at the fake.
    monkeypatch.setattr("google.oauth2.credentials._GOOGLE_OAUTH2_TOKEN_ENDPOINT", f"{google.url}/token")


def test_credentials_file_gets_a_fresh_token(google, tmp_path, token_endpoint):
    """An authorized user's refresh token (from Google's OAuth consent) is exchanged at the token endpoint."""
    google.add_review(HIGH_ST, "a", 5, created=T0)
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
                                "client_secret": "secret", "refresh_token": "1//refresh",
                                "token_uri": f"{google.url}/token"}))
    src = GoogleSource.from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(path), "GOOGLE_BUSINESS_API_URL": google.url,
                                    "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    _, items = pull(src)
    assert [i.source_item_id for i in items] == ["a"]
    (exchange,) = [s for s in google.seen if s.path == "/token"]
    assert exchange.method == "POST" and exchange.form["grant_type"] == ["refresh_token"]
    assert exchange.form["refresh_token"] == ["1//refresh"]
    pull(src)  # the token is still valid: not asked for again
    assert len(google.requests_to("/token")) == 1


def test_credentials_refused(google, tmp_path, token_endpoint):
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "cid", "client_secret": "s",
                                "refresh_token": "revoked", "token_uri": f"{google.url}/token"}))
    src = GoogleSource.from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(path), "GOOGLE_BUSINESS_API_URL": google.url,
                                    "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    with pytest.raises(SourceError, match=r"no access token from GOOGLE_APPLICATION_CREDENTIALS \(RefreshError"):
        pull(src)
    missing = GoogleSource.from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "nope.json"),
                                        "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    with pytest.raises(SourceError, match="no access token"):
        pull(missing)


def _service_account(google, tmp_path, *, registered: bool = True):
    """A service account key file as Google's console gives it, its public half known to the fake."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    email = "reviews-reader@flashpoint-demo.iam.gserviceaccount.com"
    if registered:
        google.add_service_account(email, key.public_key())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "flashpoint-demo",
                                "private_key_id": "0123456789abcdef", "private_key": pem, "client_email": email,
                                "client_id": "1234567890", "token_uri": f"{google.url}/token"}))
    return path, email


def test_a_service_account_key_signs_its_way_to_a_token(google, tmp_path):
    """A service account (added as a manager of the locations) proves itself with a JWT signed by its
    key, sent to the token endpoint its file names; the token then reads the reviews."""
    google.add_review(HIGH_ST, "a", 4, created=T0)
    path, email = _service_account(google, tmp_path)
    src = GoogleSource.from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(path), "GOOGLE_BUSINESS_API_URL": google.url,
                                    "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    _, items = pull(src)
    assert [i.source_item_id for i in items] == ["a"]
    (claims,) = google.assertions
    assert claims["iss"] == email and claims["scope"] == "https://www.googleapis.com/auth/business.manage"
    pull(src)  # the token is still valid: not asked for again
    assert len(google.requests_to("/token")) == 1


def test_a_service_account_google_does_not_know_gets_no_token(google, tmp_path):
    path, _ = _service_account(google, tmp_path, registered=False)
    src = GoogleSource.from_config({"GOOGLE_APPLICATION_CREDENTIALS": str(path), "GOOGLE_BUSINESS_API_URL": google.url,
                                    "GOOGLE_LOCATION_TEAMS": f"{HIGH_ST}=high-street"})
    with pytest.raises(SourceError, match=r"no access token from GOOGLE_APPLICATION_CREDENTIALS"):
        pull(src)
    assert google.assertions == [] and not google.requests_to(f"/v4/{HIGH_ST}/reviews")
