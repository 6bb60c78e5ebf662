"""Zendesk Support satisfaction ratings as CSAT feedback, the agent who had the ticket credited.

What is read (Zendesk's documented Support API):
- `GET /api/v2/satisfaction_ratings.json?score=received&start_time=<epoch>&page[size]=100`, then
  `page[after]=<meta.after_cursor>` while `meta.has_more` (cursor pagination). Each rating has `id`,
  `score` ("offered", "unoffered", "good", "bad"), `comment`, `assignee_id`, `group_id`,
  `created_at`, `updated_at`; ratings come oldest first.
- `GET /api/v2/users/show_many.json?ids=1,2,…` (up to 100 ids a call): the assignees' e-mails, asked
  once per page for the ids not yet known in this run, never once per rating.

Mapping: good → CSAT 5, bad → CSAT 1, a numeric 1–5 answer as it is; offered or unoffered (no
answer yet) is skipped. The group's team comes from ZENDESK_GROUP_TEAMS, else ZENDESK_DEFAULT_TEAM,
else the item is set aside naming the group. The assignee's e-mail names the person credited.

Resumption. Zendesk creates a rating when the survey is offered and fills its score when the
customer answers, days later perhaps; `start_time` is documented only as "time of the oldest
satisfaction rating". So the cursor keeps three things: the newest (created_at, id) taken and the
newest updated_at seen. A later sync asks from `created_at − ANSWER_WINDOW` (customers can answer
until the ticket closes, 28 days after it is solved by default) and takes a rating when it is newer
than (created_at, id), or was answered after the newest update seen — which catches a rating
offered before the cursor and answered after it. A rating already taken is not taken again; one
whose answer changed (good, then bad) comes again under the same id, and the sync layer, which
keys items by id, keeps the first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping

from recognition.feedback.sources.base import Page, PulledItem, SourceError, team_for_group
from recognition.feedback.sources.http import HttpClient, expect, parse_instant, parse_mapping

NAME = "zendesk"
LABEL = "Zendesk"
PAGE_SIZE = 100
USERS_PER_CALL = 100  # show_many's documented limit
ANSWER_WINDOW = timedelta(days=28)
SCORES = {"good": 5, "bad": 1}
UNANSWERED = {"offered", "unoffered"}


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=timezone.utc).timestamp())


@dataclass
class _Mark:
    """How far the ratings have been read: the newest (created, id) taken, the newest update seen."""
    created: int = -1
    id: int = -1
    updated: int = -1

    @classmethod
    def read(cls, cursor: str | None) -> "_Mark | None":
        if not cursor:
            return None
        try:
            raw = json.loads(cursor)
            return cls(int(raw["created"]), int(raw["id"]), int(raw["updated"]))
        except (ValueError, KeyError, TypeError):
            raise SourceError(f"{LABEL}: the saved cursor {cursor[:60]!r} cannot be read; "
                              "sync again from a date instead.") from None

    def text(self) -> str:
        return json.dumps({"created": self.created, "id": self.id, "updated": self.updated})


@dataclass
class ZendeskSource:
    base_url: str
    email: str
    token: str
    group_teams: dict[str, str] = field(default_factory=dict)
    default_team: str | None = None
    problem: str | None = None  # a configuration mistake, reported when a sync starts
    http: HttpClient | None = None

    name = NAME
    label = LABEL

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.http is None:
            self.http = HttpClient(provider=LABEL, auth=(f"{self.email}/token", self.token))
        self._emails: dict[int, str | None] = {}

    @classmethod
    def from_config(cls, config: Mapping) -> "ZendeskSource | None":
        url, email, token = (config.get(k) for k in ("ZENDESK_URL", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"))
        if not (url and email and token):
            return None
        problem = None
        try:
            teams = parse_mapping(config.get("ZENDESK_GROUP_TEAMS"), "ZENDESK_GROUP_TEAMS")
        except ValueError as exc:
            teams, problem = {}, str(exc)
        return cls(url, email, token, teams, config.get("ZENDESK_DEFAULT_TEAM") or None, problem)

    def pages(self, cursor: str | None, since: datetime | None) -> Iterator[Page]:
        if self.problem:
            raise SourceError(f"{LABEL}: {self.problem}.")
        mark = _Mark.read(cursor)
        params: dict[str, Any] = {"score": "received", "page[size]": PAGE_SIZE}
        if mark is not None:
            params["start_time"] = max(0, mark.created - int(ANSWER_WINDOW.total_seconds()))
        elif since is not None:
            params["start_time"] = _epoch(since)
        new = _Mark(**vars(mark)) if mark else _Mark()
        number = 0
        while True:
            number += 1
            what = f"satisfaction ratings page {number}"
            data = self.http.get_json(f"{self.base_url}/api/v2/satisfaction_ratings.json", params=params, what=what).data
            ratings, more, after = self._page_shape(data, what)
            items: list[tuple[dict, datetime, datetime]] = []
            for rating in ratings:
                created = parse_instant(rating.get("created_at"), LABEL, what)
                updated = parse_instant(rating.get("updated_at") or rating.get("created_at"), LABEL, what)
                rid = rating["id"]
                if mark is not None and (_epoch(created), rid) <= (mark.created, mark.id) \
                        and _epoch(updated) <= mark.updated:
                    continue  # taken by an earlier sync
                if (_epoch(created), rid) > (new.created, new.id):
                    new.created, new.id = _epoch(created), rid
                new.updated = max(new.updated, _epoch(updated))
                if str(rating.get("score") or "").lower() in UNANSWERED or rating.get("score") is None:
                    continue  # no answer (yet): nothing to take
                items.append((rating, created, updated))
            self._learn_emails({r["assignee_id"] for r, _, _ in items if isinstance(r.get("assignee_id"), int)})
            yield Page([self._item(r, updated) for r, _, updated in items],
                       new.text() if new.id >= 0 else cursor, more)
            if not more:
                return
            # The same filters with the cursor Zendesk gave for the next page.
            params = {**params, "page[after]": after}

    def _page_shape(self, data: Any, what: str) -> tuple[list[dict], bool, str | None]:
        expect(isinstance(data, dict) and isinstance(data.get("satisfaction_ratings"), list),
               LABEL, what, "no satisfaction_ratings list")
        ratings = data["satisfaction_ratings"]
        expect(all(isinstance(r, dict) and isinstance(r.get("id"), int) for r in ratings),
               LABEL, what, "a rating without a numeric id")
        meta = data.get("meta") or {}
        expect(isinstance(meta, dict), LABEL, what, "meta is not an object")
        more = bool(meta.get("has_more"))
        after = meta.get("after_cursor")
        expect(not more or (isinstance(after, str) and after), LABEL, what, "has_more without an after_cursor")
        return ratings, more, after

    def _learn_emails(self, ids: set[int]) -> None:
        """The e-mails of these users, asked in show_many batches for the ids not yet known."""
        unknown = sorted(i for i in ids if i not in self._emails)
        for start in range(0, len(unknown), USERS_PER_CALL):
            chunk = unknown[start:start + USERS_PER_CALL]
            what = "users show_many"
            data = self.http.get_json(f"{self.base_url}/api/v2/users/show_many.json",
                                      params={"ids": ",".join(map(str, chunk))}, what=what).data
            expect(isinstance(data, dict) and isinstance(data.get("users"), list), LABEL, what, "no users list")
            for user in data["users"]:
                if isinstance(user, dict) and isinstance(user.get("id"), int):
                    email = user.get("email")
                    self._emails[user["id"]] = email.strip().lower() if isinstance(email, str) and email.strip() else None
            for i in chunk:
                self._emails.setdefault(i, None)  # deleted or unknown: nobody to credit

    def _item(self, rating: dict, answered: datetime) -> PulledItem:
        score, aside = _score(rating.get("score"))
        team, no_team = team_for_group(rating.get("group_id"), self.group_teams, self.default_team, "Zendesk", "ZENDESK")
        aside = aside or no_team
        comment = rating.get("comment")
        assignee = rating.get("assignee_id")
        return PulledItem(
            source_item_id=str(rating["id"]),
            received_at=answered,
            metric="csat",
            score=score,
            comment=comment.strip() if isinstance(comment, str) else "",
            team=team,
            employee_email=self._emails.get(assignee) if isinstance(assignee, int) else None,
            consent=False,
            aside_reason=aside,
        )


def _score(raw: Any) -> tuple[int | None, str | None]:
    """good → 5, bad → 1, a 1–5 answer as it is; anything else is set aside, naming it."""
    if isinstance(raw, str) and raw.lower() in SCORES:
        return SCORES[raw.lower()], None
    if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= 5:
        return raw, None
    if isinstance(raw, str) and raw.strip().isdigit() and 1 <= int(raw) <= 5:
        return int(raw), None
    return None, f"Zendesk score {str(raw)[:20]!r} is not good, bad or 1–5"
