"""Freshdesk satisfaction ratings as CSAT feedback, the ticket's agent credited.

What is read (Freshdesk API v2, basic auth with the API key as user and "X" as password):
- `GET /api/v2/surveys/satisfaction_ratings?created_since=<ISO>&page=N&per_page=100`: a JSON list of
  ratings (`id`, `agent_id`, `group_id`, `feedback`, `ratings` {"default_question": …, "question_2":
  …}, `created_at`); more pages while the answer's `Link` header has rel="next".
- `GET /api/v2/agents/<id>`: the agent's `contact.email`. Freshdesk has no documented "many agents
  by id" call, so each agent is asked once per sync and remembered (a deleted agent, 404, credits
  nobody).

Mapping: the default question's answer is the CSAT. Freshdesk's classic surveys answer on its own
scale, 103 "extremely happy" … 100 neutral … −103 "extremely unhappy" (3-, 5- and 7-point surveys
use the points of that scale they need); it becomes 1–5 by `FRESHDESK_SCALE`. An answer already on
1–5 (custom surveys) is taken as it is. `group_id` → team through FRESHDESK_GROUP_TEAMS, else
FRESHDESK_DEFAULT_TEAM, else set aside; `feedback` → comment.

Resumption. A Freshdesk rating is created when the customer answers, and the list comes oldest
first, so the cursor is the newest (created_at, id) taken. A later sync asks `created_since` that
instant (Freshdesk includes it) and skips what is not newer than the cursor: a rating created in
the same second as the last one taken is read again but not taken again, and nothing older than
the cursor can appear after it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, Mapping

import requests

from recognition.feedback.sources.base import Page, PulledItem, SourceError, team_for_group
from recognition.feedback.sources.http import HttpClient, expect, parse_instant, parse_mapping

NAME = "freshdesk"
LABEL = "Freshdesk"
PER_PAGE = 100  # Freshdesk's documented maximum
EVERYTHING = "2000-01-01T00:00:00Z"
# Freshdesk's survey scale onto 1–5: the 5-point survey (103, 102, 100, −102, −103) lands on 5…1;
# the 7-point one's "happy"/"unhappy" (101, −101) fold into 4 and 2.
FRESHDESK_SCALE = {103: 5, 102: 4, 101: 4, 100: 3, -101: 2, -102: 2, -103: 1}


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


@dataclass
class FreshdeskSource:
    base_url: str
    api_key: str
    group_teams: dict[str, str] = field(default_factory=dict)
    default_team: str | None = None
    problem: str | None = None
    http: HttpClient | None = None

    name = NAME
    label = LABEL

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.http is None:
            self.http = HttpClient(provider=LABEL, auth=(self.api_key, "X"))
        self._emails: dict[int, str | None] = {}

    @classmethod
    def from_config(cls, config: Mapping) -> "FreshdeskSource | None":
        url, key = config.get("FRESHDESK_URL"), config.get("FRESHDESK_API_KEY")
        if not (url and key):
            return None
        problem = None
        try:
            teams = parse_mapping(config.get("FRESHDESK_GROUP_TEAMS"), "FRESHDESK_GROUP_TEAMS")
        except ValueError as exc:
            teams, problem = {}, str(exc)
        return cls(url, key, teams, config.get("FRESHDESK_DEFAULT_TEAM") or None, problem)

    def pages(self, cursor: str | None, since: datetime | None) -> Iterator[Page]:
        if self.problem:
            raise SourceError(f"{LABEL}: {self.problem}.")
        mark = _read_cursor(cursor)
        if mark is not None:
            created_since = _iso(mark[0])
        else:
            created_since = _iso(since) if since is not None else EVERYTHING
        newest = mark
        number = 0
        while True:
            number += 1
            what = f"satisfaction ratings page {number}"
            answer = self.http.get_json(
                f"{self.base_url}/api/v2/surveys/satisfaction_ratings",
                params={"created_since": created_since, "page": number, "per_page": PER_PAGE}, what=what)
            ratings = answer.data
            expect(isinstance(ratings, list), LABEL, what, "not a list of ratings")
            expect(all(isinstance(r, dict) and isinstance(r.get("id"), int) for r in ratings),
                   LABEL, what, "a rating without a numeric id")
            taken: list[tuple[dict, datetime]] = []
            for rating in ratings:
                created = parse_instant(rating.get("created_at"), LABEL, what)
                key = (created, rating["id"])
                if mark is not None and key <= mark:
                    continue  # taken by an earlier sync
                if newest is None or key > newest:
                    newest = key
                taken.append((rating, created))
            items = [self._item(rating, created, what) for rating, created in taken]
            more = _has_next(answer.headers) and bool(ratings)
            yield Page(items, _write_cursor(newest) if newest else cursor, more)
            if not more:
                return

    def _agent_email(self, agent_id: Any) -> str | None:
        if not isinstance(agent_id, int) or isinstance(agent_id, bool):
            return None
        if agent_id not in self._emails:
            what = f"agent {agent_id}"
            answer = self.http.get_json(f"{self.base_url}/api/v2/agents/{agent_id}", what=what, missing_ok=True)
            email = None
            if answer is not None:
                expect(isinstance(answer.data, dict), LABEL, what, "not an agent object")
                contact = answer.data.get("contact") or {}
                raw = contact.get("email") if isinstance(contact, dict) else None
                email = raw.strip().lower() if isinstance(raw, str) and raw.strip() else None
            self._emails[agent_id] = email
        return self._emails[agent_id]

    def _item(self, rating: dict, created: datetime, what: str) -> PulledItem:
        ratings = rating.get("ratings")
        expect(ratings is None or isinstance(ratings, dict), LABEL, what, "ratings is not an object")
        score, aside = _score((ratings or {}).get("default_question"))
        team, no_team = team_for_group(rating.get("group_id"), self.group_teams, self.default_team, "Freshdesk", "FRESHDESK")
        aside = aside or no_team
        feedback = rating.get("feedback")
        return PulledItem(
            source_item_id=str(rating["id"]),
            received_at=created,
            metric="csat",
            score=score,
            comment=feedback.strip() if isinstance(feedback, str) else "",
            team=team,
            employee_email=self._agent_email(rating.get("agent_id")),
            consent=False,
            aside_reason=aside,
        )


def _score(raw: Any) -> tuple[int | None, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if raw is None:
            return None, "the default survey question was not answered"
        return None, f"Freshdesk rating {str(raw)[:20]!r} is not a number"
    if 1 <= raw <= 5:
        return raw, None
    if raw in FRESHDESK_SCALE:
        return FRESHDESK_SCALE[raw], None
    return None, f"Freshdesk rating {raw} is neither 1–5 nor on Freshdesk's −103…103 scale"


def _has_next(headers: Mapping[str, str]) -> bool:
    link = headers.get("Link") or headers.get("link")
    if not link:
        return False
    return any(rel.get("rel") == "next" for rel in requests.utils.parse_header_links(link))


def _read_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(cursor)
        return parse_instant(raw["created"], LABEL, "the saved cursor"), int(raw["id"])
    except (ValueError, KeyError, TypeError, SourceError):
        raise SourceError(f"{LABEL}: the saved cursor {cursor[:60]!r} cannot be read; "
                          "sync again from a date instead.") from None


def _write_cursor(mark: tuple[datetime, int]) -> str:
    return json.dumps({"created": mark[0].isoformat() + "Z", "id": mark[1]})
