"""A fake Zendesk Support API: satisfaction ratings with cursor pagination, users show_many.

Built from Zendesk's documented shapes: `GET /api/v2/satisfaction_ratings.json` with the `score`
filter (received = good or bad), `start_time`/`end_time` as Unix epochs on the rating's
created_at, `page[size]` (at most 100) and `page[after]`, answering `satisfaction_ratings`,
`meta` {has_more, after_cursor, before_cursor} and `links` {next, prev}; `GET
/api/v2/users/show_many.json?ids=…` (at most 100 ids) answering `users`. Basic auth is
`<email>/token:<API token>`."""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from urllib.parse import urlencode

from tests.feedback.sources.fakeserver import Answer, FakeServer, Seen

EMAIL = "admin@acme.test"
TOKEN = "zendesk-api-token"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeZendesk(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.ratings: list[dict] = []
        self.users: dict[int, dict] = {}

    def add_rating(self, rid: int, score: str | int, *, created: datetime, updated: datetime | None = None,
                   assignee_id: int | None = 501, group_id: int | None = 11, comment: str | None = None) -> dict:
        rating = {"id": rid, "url": f"{self.url}/api/v2/satisfaction_ratings/{rid}.json",
                  "assignee_id": assignee_id, "group_id": group_id, "requester_id": 9000 + rid,
                  "ticket_id": 7000 + rid, "score": score, "comment": comment,
                  "created_at": stamp(created), "updated_at": stamp(updated or created)}
        self.ratings.append(rating)
        return rating

    def answer(self, rid: int, score: str, at: datetime, comment: str | None = None) -> None:
        """The customer answers an offered survey: the score and updated_at change, created_at stays."""
        for rating in self.ratings:
            if rating["id"] == rid:
                rating.update(score=score, updated_at=stamp(at), comment=comment)

    def add_user(self, uid: int, email: str, name: str = "Agent") -> None:
        self.users[uid] = {"id": uid, "name": name, "email": email, "role": "agent"}

    def authorised(self, headers: dict[str, str]) -> bool:
        expected = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
        return headers.get("Authorization") == f"Basic {expected}"

    def route(self, request: Seen) -> Answer:
        if request.path == "/api/v2/satisfaction_ratings.json":
            return self._ratings(request)
        if request.path == "/api/v2/users/show_many.json":
            ids = [int(i) for i in (request.arg("ids") or "").split(",") if i]
            if len(ids) > 100:
                return Answer(400, {"error": "Too many ids (max 100)"})
            return Answer(200, {"users": [self.users[i] for i in ids if i in self.users]})
        return Answer(404, {"error": "InvalidEndpoint"})

    def _ratings(self, request: Seen) -> Answer:
        def epoch(text: str) -> int:
            return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())

        score = request.arg("score")
        rows = sorted(self.ratings, key=lambda r: (r["created_at"], r["id"]))
        if score == "received":
            rows = [r for r in rows if r["score"] not in ("offered", "unoffered")]
        elif score:
            rows = [r for r in rows if r["score"] == score]
        if request.arg("start_time"):
            rows = [r for r in rows if epoch(r["created_at"]) >= int(request.arg("start_time"))]
        if request.arg("end_time"):
            rows = [r for r in rows if epoch(r["created_at"]) <= int(request.arg("end_time"))]
        size = int(request.arg("page[size]") or 100)
        if size > 100:
            return Answer(400, {"error": "page[size] must be at most 100"})
        after = request.arg("page[after]")
        start = int(base64.b64decode(after).decode().split(":")[1]) if after else 0
        page = rows[start:start + size]
        more = start + size < len(rows)
        after_cursor = base64.b64encode(f"i:{start + len(page)}".encode()).decode() if page else None
        before_cursor = base64.b64encode(f"i:{start}".encode()).decode() if page else None
        query = {k: v[0] for k, v in request.query.items() if k != "page[after]"}
        return Answer(200, {
            "satisfaction_ratings": page,
            "meta": {"has_more": more, "after_cursor": after_cursor, "before_cursor": before_cursor},
            "links": {"next": f"{self.url}{request.path}?{urlencode({**query, 'page[after]': after_cursor})}" if more else None,
                      "prev": None},
        })
