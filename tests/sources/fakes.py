"""A pulling source for tests: pages (or SourceErrors) given in the app's configuration, no network."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator, Mapping

from recognition.feedback.sources.base import Page, PulledItem, SourceError

CALLS: list[tuple[str | None, datetime | None]] = []


class FakeSource:
    """`FAKE_PAGES`: a list of Page or SourceError; the cursor after page i is "i+1"."""
    name = "fake"
    label = "Fake Desk"

    def __init__(self, pages: list) -> None:
        self.script = pages

    @classmethod
    def from_config(cls, config: Mapping) -> "FakeSource | None":
        pages = config.get("FAKE_PAGES")
        return cls(pages) if pages is not None else None

    def pages(self, cursor: str | None, since: datetime | None) -> Iterator[Page]:
        CALLS.append((cursor, since))
        for index in range(int(cursor or 0), len(self.script)):
            step = self.script[index]
            if isinstance(step, SourceError):
                raise step
            yield step


def item(n: int, **fields) -> PulledItem:
    base = {"source_item_id": str(n), "received_at": datetime(2026, 3, 1, 9, n % 60), "metric": "csat",
            "score": 5, "comment": f"visit {n}", "team": "shop"}
    return PulledItem(**{**base, **fields})


def page(index: int, *items: PulledItem, more: bool = True) -> Page:
    return Page(list(items), cursor=str(index + 1), more=more)
