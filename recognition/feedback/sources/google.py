"""Google Business Profile reviews as CSAT feedback, one location per team.

What is read (Google My Business API v4, OAuth scope https://www.googleapis.com/auth/business.manage,
with GOOGLE_BUSINESS_TOKEN or a token google-auth gets from GOOGLE_APPLICATION_CREDENTIALS):
`GET {GOOGLE_BUSINESS_API_URL}/v4/accounts/<a>/locations/<l>/reviews?orderBy=updateTime desc&pageSize=50`,
then `pageToken=<nextPageToken>` while one is given. A review has `reviewId`, `starRating` (ONE …
FIVE, or STAR_RATING_UNSPECIFIED), `comment` (absent for a rating without words), `createTime`,
`updateTime` and `reviewer.displayName`.

Mapping: ONE…FIVE → CSAT 1–5; the comment as it is (Google's own "(Translated by Google)" text
included); consent is false, since a reviewer agreed to Google's terms, not to being quoted inside
a company. The reviewer's name is never kept. No employee e-mail is given: staff are found by name
in the comment, as for every other comment.

Resumption. Google lists reviews newest update first and cannot start from a time, so each location
is read from the top until a review no newer than that location's cursor (the newest updateTime
taken last time) is reached. The cursor (one updateTime per location) moves only when a location
has been read to that point: a sync that stops half-way through a location resumes from its top,
and what was already stored comes again with the same reviewId, which the sync layer does not store
twice. An edited review rises to the top with a new updateTime and is read again under its old id:
it is not taken twice either.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, Mapping

from recognition.feedback.sources.base import Page, PulledItem, SourceError
from recognition.feedback.sources.http import HttpClient, expect, parse_instant, parse_mapping

NAME = "google"
LABEL = "Google Business Profile"
DEFAULT_API_URL = "https://mybusiness.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/business.manage"
PAGE_SIZE = 50  # the documented maximum for reviews.list
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}


@dataclass
class GoogleSource:
    api_url: str
    token: str | None
    location_teams: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    http: HttpClient | None = None
    credentials_file: str | None = None  # GOOGLE_APPLICATION_CREDENTIALS: tokens asked for as needed

    name = NAME
    label = LABEL

    def __post_init__(self) -> None:
        self.api_url = (self.api_url or DEFAULT_API_URL).rstrip("/")
        if self.http is None:
            self.http = HttpClient(provider=LABEL)
        self._credentials: Any = None

    @classmethod
    def from_config(cls, config: Mapping) -> "GoogleSource | None":
        token = config.get("GOOGLE_BUSINESS_TOKEN")
        credentials_file = config.get("GOOGLE_APPLICATION_CREDENTIALS")
        raw_locations = config.get("GOOGLE_LOCATION_TEAMS")
        if not ((token or credentials_file) and raw_locations):
            return None
        problem = None
        try:
            locations = parse_mapping(raw_locations, "GOOGLE_LOCATION_TEAMS")
        except ValueError as exc:
            locations, problem = {}, str(exc)
        for location in locations:
            parts = location.split("/")
            if len(parts) != 4 or parts[0] != "accounts" or parts[2] != "locations" or not parts[1] or not parts[3]:
                problem = problem or (f"GOOGLE_LOCATION_TEAMS: '{location}' is not of the form "
                                      "accounts/<account id>/locations/<location id>")
        return cls(config.get("GOOGLE_BUSINESS_API_URL") or DEFAULT_API_URL, token, locations, problem,
                   credentials_file=None if token else credentials_file)

    def _authorise(self) -> None:
        """The bearer token: GOOGLE_BUSINESS_TOKEN as given, or a fresh one from the credentials file
        (google-auth reads both an authorized user's refresh token and a service account's key)."""
        if self.credentials_file is None:
            self.http.session.headers["Authorization"] = f"Bearer {self.token}"
            return
        import google.auth.exceptions
        from google.auth.transport.requests import Request
        try:
            if self._credentials is None:
                self._credentials = _credentials(self.credentials_file)
            if not self._credentials.valid:
                self._credentials.refresh(Request(self.http.session))
        except (OSError, ValueError, google.auth.exceptions.GoogleAuthError) as exc:
            raise SourceError(f"{LABEL}: no access token from GOOGLE_APPLICATION_CREDENTIALS "
                              f"({exc.__class__.__name__}: {str(exc)[:200]}).") from None
        self.http.session.headers["Authorization"] = f"Bearer {self._credentials.token}"

    def pages(self, cursor: str | None, since: datetime | None) -> Iterator[Page]:
        if self.problem:
            raise SourceError(f"{LABEL}: {self.problem}.")
        marks = _read_cursor(cursor)
        self._authorise()
        locations = sorted(self.location_teams)
        for place, location in enumerate(locations):
            last_location = place == len(locations) - 1
            mark = marks.get(location)
            newest = mark
            token: str | None = None
            number = 0
            while True:
                number += 1
                what = f"reviews of {location}, page {number}"
                params: dict[str, Any] = {"orderBy": "updateTime desc", "pageSize": PAGE_SIZE}
                if token:
                    params["pageToken"] = token
                data = self.http.get_json(f"{self.api_url}/v4/{location}/reviews", params=params, what=what).data
                expect(isinstance(data, dict), LABEL, what, "not an object")
                reviews = data.get("reviews", [])
                expect(isinstance(reviews, list), LABEL, what, "reviews is not a list")
                token = data.get("nextPageToken") or None
                expect(token is None or isinstance(token, str), LABEL, what, "nextPageToken is not text")
                items: list[PulledItem] = []
                reached = False
                for review in reviews:
                    expect(isinstance(review, dict) and isinstance(review.get("reviewId"), str)
                           and review["reviewId"], LABEL, what, "a review without a reviewId")
                    updated = parse_instant(review.get("updateTime") or review.get("createTime"), LABEL, what)
                    if (mark is not None and updated <= mark) or (mark is None and since is not None and updated < since):
                        reached = True  # newest first: everything after this was read before
                        break
                    if newest is None or updated > newest:
                        newest = updated
                    items.append(self._item(review, location, what))
                done = reached or token is None
                if done and newest is not None:
                    marks[location] = newest
                yield Page(items, _write_cursor(marks) if marks else cursor, not (done and last_location))
                if done:
                    break

    def _item(self, review: dict, location: str, what: str) -> PulledItem:
        stars = review.get("starRating")
        score = STARS.get(stars) if isinstance(stars, str) else None
        comment = review.get("comment")
        return PulledItem(
            source_item_id=review["reviewId"],
            received_at=parse_instant(review.get("createTime") or review.get("updateTime"), LABEL, what),
            metric="csat",
            score=score,
            comment=comment.strip() if isinstance(comment, str) else "",
            team=self.location_teams[location],
            employee_email=None,
            consent=False,
            aside_reason=None if score is not None else f"the review has no star rating ({str(stars)[:30]})",
        )


def _credentials(path: str) -> Any:
    """Credentials from the two kinds of file Google gives: an authorized user's (a refresh token from
    an OAuth consent by a manager of the locations) or a service account's key."""
    with open(path, encoding="utf-8") as stream:
        info = json.load(stream)
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "authorized_user":
        from google.oauth2.credentials import Credentials
        return Credentials.from_authorized_user_info(info, scopes=[SCOPE])
    if kind == "service_account":
        from google.oauth2.service_account import Credentials as ServiceAccount
        return ServiceAccount.from_service_account_info(info, scopes=[SCOPE])
    raise ValueError(f"a credentials file of type {str(kind)[:40]!r}, not authorized_user or service_account")


def _read_cursor(cursor: str | None) -> dict[str, datetime]:
    if not cursor:
        return {}
    try:
        raw = json.loads(cursor)
        if not isinstance(raw, dict):
            raise ValueError
        return {str(k): parse_instant(v, LABEL, "the saved cursor") for k, v in raw.items()}
    except (ValueError, SourceError):
        raise SourceError(f"{LABEL}: the saved cursor {cursor[:60]!r} cannot be read; "
                          "sync again from a date instead.") from None


def _write_cursor(marks: dict[str, datetime]) -> str:
    return json.dumps({k: v.isoformat() + "Z" for k, v in sorted(marks.items())})
