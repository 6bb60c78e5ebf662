"""A fake Freshdesk API v2: satisfaction ratings (created_since, page, per_page, Link header) and agents.

Built from Freshdesk's documented shapes: `GET /api/v2/surveys/satisfaction_ratings` answers a JSON
list of ratings (`id`, `survey_id`, `user_id`, `agent_id`, `group_id`, `ticket_id`, `feedback`,
`ratings` {"default_question": …}, `created_at`, `updated_at`), oldest first, `per_page` at most
100, and a `Link: <…page=N+1>; rel="next"` header while there are more; `GET /api/v2/agents/<id>`
answers the agent with `contact.email`, or 404. Basic auth is `<API key>:X`."""
from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import urlencode

from tests.feedback.sources.fakeserver import Answer, FakeServer, Seen

API_KEY = "freshdesk-api-key"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeFreshdesk(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.ratings: list[dict] = []
        self.agents: dict[int, dict] = {}

    def add_rating(self, rid: int, answer, *, created: datetime, agent_id: int | None = 301,
                   group_id: int | None = 21, feedback: str | None = None, extra: dict | None = None) -> None:
        ratings = {} if answer is None else {"default_question": answer}
        self.ratings.append({"id": rid, "survey_id": 1, "user_id": 8000 + rid, "agent_id": agent_id,
                             "group_id": group_id, "ticket_id": 4000 + rid, "feedback": feedback,
                             "ratings": {**ratings, **(extra or {})},
                             "created_at": stamp(created), "updated_at": stamp(created)})

    def add_agent(self, aid: int, email: str, name: str = "Agent") -> None:
        self.agents[aid] = {"id": aid, "available": True, "occasional": False,
                            "contact": {"active": True, "email": email, "name": name}}

    def authorised(self, headers: dict[str, str]) -> bool:
        expected = base64.b64encode(f"{API_KEY}:X".encode()).decode()
        return headers.get("Authorization") == f"Basic {expected}"

    def route(self, request: Seen) -> Answer:
        if request.path == "/api/v2/surveys/satisfaction_ratings":
            since = request.arg("created_since")
            rows = sorted(self.ratings, key=lambda r: (r["created_at"], r["id"]))
            if since:
                rows = [r for r in rows if r["created_at"] >= since.replace(".000", "")]
            per_page = int(request.arg("per_page") or 30)
            if per_page > 100:
                return Answer(400, {"description": "Validation failed",
                                    "errors": [{"field": "per_page", "code": "invalid_value"}]})
            page = int(request.arg("page") or 1)
            chunk = rows[(page - 1) * per_page: page * per_page]
            headers = {}
            if page * per_page < len(rows):
                query = {k: v[0] for k, v in request.query.items()}
                headers["Link"] = f'<{self.url}{request.path}?{urlencode({**query, "page": page + 1})}>; rel="next"'
            return Answer(200, chunk, headers)
        if request.path.startswith("/api/v2/agents/"):
            aid = int(request.path.rsplit("/", 1)[1])
            if aid not in self.agents:
                return Answer(404, {"code": "not_found"})
            return Answer(200, self.agents[aid])
        return Answer(404, {"code": "invalid_endpoint"})
