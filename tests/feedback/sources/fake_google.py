"""A fake Google My Business API v4 reviews list.

Built from Google's documented shapes: `GET /v4/accounts/<a>/locations/<l>/reviews` with
`pageSize` (at most 50), `pageToken`, `orderBy` (updateTime desc by default; rating, rating desc)
answering `reviews`, `averageRating`, `totalReviewCount` and `nextPageToken` (absent on the last
page). A review has `name`, `reviewId`, `reviewer` {displayName, profilePhotoUrl, isAnonymous},
`starRating` (ONE…FIVE or STAR_RATING_UNSPECIFIED), `comment` (absent without words), `createTime`,
`updateTime` (RFC 3339, up to nine fractional digits). OAuth: `Authorization: Bearer <token>`.

Its `/token` is Google's OAuth 2.0 token endpoint: a refresh token (an authorized user), or a
service account's JWT assertion (RFC 7523: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`),
checked as Google checks it: signed RS256 with the key of a registered service account (its
public half given to `add_service_account`), issued by its e-mail address, for Google's token endpoint,
asking for a scope, and within its hour."""
from __future__ import annotations

import base64
import json
import re
import time
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.feedback.sources.fakeserver import Answer, FakeServer, Seen

TOKEN = "ya29.fake-access-token"
# What a service account's assertion is for, whichever address it is sent to (Google's documentation).
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
STARS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"  # nanoseconds, as Google sends them


class FakeGoogle(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.reviews: dict[str, list[dict]] = {}
        self.service_accounts: dict[str, object] = {}  # client e-mail → RSA public key
        self.assertions: list[dict] = []  # the claims of every assertion accepted

    def add_service_account(self, email: str, public_key) -> None:
        self.service_accounts[email] = public_key

    def _assertion_claims(self, assertion: str) -> dict | None:
        """The claims of a service account's signed JWT, or None when Google would refuse it."""
        def decoded(part: str) -> bytes:
            return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

        try:
            header, payload, signature = assertion.split(".")
            claims, head = json.loads(decoded(payload)), json.loads(decoded(header))
            key = self.service_accounts[claims["iss"]]
            key.verify(decoded(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, KeyError, InvalidSignature):
            return None
        now = time.time()
        if (head.get("alg") != "RS256" or claims.get("aud") != GOOGLE_TOKEN_AUDIENCE or not claims.get("scope")
                or not claims["iat"] - 300 <= now <= claims["exp"] or claims["exp"] - claims["iat"] > 3600):
            return None
        return claims

    def add_review(self, location: str, rid: str, stars: int | str, *, created: datetime,
                   updated: datetime | None = None, comment: str | None = None, reviewer: str = "Pat Customer") -> dict:
        review = {"name": f"{location}/reviews/{rid}", "reviewId": rid,
                  "reviewer": {"displayName": reviewer, "isAnonymous": False},
                  "starRating": STARS.get(stars, stars), "createTime": stamp(created),
                  "updateTime": stamp(updated or created)}
        if comment is not None:
            review["comment"] = comment
        self.reviews.setdefault(location, []).append(review)
        return review

    def edit(self, location: str, rid: str, at: datetime, comment: str) -> None:
        for review in self.reviews[location]:
            if review["reviewId"] == rid:
                review.update(updateTime=stamp(at), comment=comment)

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("Authorization") == f"Bearer {TOKEN}"

    def open_path(self, path: str) -> bool:
        return path == "/token"

    def route(self, request: Seen) -> Answer:
        if request.path == "/token":
            # Google's OAuth 2.0 token endpoint: a refresh token (or a service account's signed
            # assertion) for an access token.
            form = request.form or {}
            granted = {"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}
            if form.get("grant_type") == ["refresh_token"] and form.get("refresh_token") != ["revoked"]:
                return Answer(200, {**granted, "scope": "https://www.googleapis.com/auth/business.manage"})
            if form.get("grant_type") == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                claims = self._assertion_claims((form.get("assertion") or [""])[0])
                if claims is not None:
                    self.assertions.append(claims)
                    return Answer(200, granted)
            return Answer(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        match = re.fullmatch(r"/v4/(accounts/[^/]+/locations/[^/]+)/reviews", request.path)
        if not match:
            return Answer(404, {"error": {"code": 404, "status": "NOT_FOUND"}})
        location = match.group(1)
        if location not in self.reviews:
            return Answer(404, {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}})
        size = int(request.arg("pageSize") or 50)
        if size > 50:
            return Answer(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}})
        order = request.arg("orderBy") or "updateTime desc"
        rows = list(self.reviews[location])
        if order == "updateTime desc":
            rows.sort(key=lambda r: r["updateTime"], reverse=True)
        elif order.startswith("rating"):
            rows.sort(key=lambda r: r["starRating"], reverse=order.endswith("desc"))
        else:
            return Answer(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}})
        start = int(request.arg("pageToken")[2:]) if request.arg("pageToken") else 0
        chunk = rows[start:start + size]
        body = {"reviews": chunk, "averageRating": 4.2, "totalReviewCount": len(rows)}
        if not chunk:
            del body["reviews"]  # Google omits empty lists
        if start + size < len(rows):
            body["nextPageToken"] = f"pt{start + size}"
        return Answer(200, body)
