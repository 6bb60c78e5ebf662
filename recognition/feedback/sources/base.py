"""What a pulling source (a help desk, a review site) gives the sync service, and how one is found.

A provider module (zendesk.py, freshdesk.py, google.py) holds one class following `PullingSource`:
built from configuration by `from_config` (None while its settings are missing), it reads the
provider page after page from a cursor and hands back `PulledItem`s. Everything after that —
checking, storing once per external id, setting bad items aside, remembering the cursor — is the
sync service's (recognition/feedback/sources/sync.py), the same for every provider.

Providers are named in `PULLING_SOURCES` by dotted path and imported only when used, so a provider
module that cannot be imported breaks that source alone, never the app's start.
"""
from __future__ import annotations

import importlib
import os
from collections import ChainMap
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator, Mapping, Protocol, runtime_checkable

METRICS = ("csat", "nps", "ces")


@dataclass(frozen=True)
class PulledItem:
    """One rating as the provider gave it, before any checking."""
    source_item_id: str          # the provider's id; stored as external_id "NAME:<source_item_id>"
    received_at: datetime        # naive UTC
    metric: str                  # "csat" | "nps" | "ces"
    score: int | None            # None: set aside ("no score")
    comment: str = ""
    team: str | None = None      # team slug; None: NAME_DEFAULT_TEAM, else set aside
    employee_email: str | None = None  # the person the provider credits (a help desk's agent)
    consent: bool = False
    aside_reason: str | None = None    # the connector already knows the item cannot be taken


@dataclass(frozen=True)
class Page:
    items: list[PulledItem]
    cursor: str | None    # where to resume after this page (stored once the page is committed)
    more: bool            # another page follows


class SourceError(Exception):
    """The provider failed (garbage, exhausted retries): the sync stops here; the message is shown."""


@runtime_checkable
class PullingSource(Protocol):
    name: str                              # "zendesk"
    label: str                             # "Zendesk"

    @classmethod
    def from_config(cls, config: Mapping) -> "PullingSource | None":
        """The source built from its settings, or None when it is not configured."""

    def pages(self, cursor: str | None, since: datetime | None) -> Iterator[Page]:
        """Pages from `cursor` (None: from `since`, or the provider's beginning), oldest first.
        Raise SourceError when the provider answers something unusable."""


# name → "module:Class". Imported lazily (`load_class`): a missing module disables its source only.
PULLING_SOURCES: dict[str, str] = {
    "zendesk": "recognition.feedback.sources.zendesk:ZendeskSource",
    "freshdesk": "recognition.feedback.sources.freshdesk:FreshdeskSource",
    "google": "recognition.feedback.sources.google:GoogleSource",
}
LABELS = {"zendesk": "Zendesk", "freshdesk": "Freshdesk", "google": "Google Business Profile"}


def register(name: str, dotted: str, label: str | None = None) -> None:
    """Add a pulling source (tests add fakes this way; remove with `unregister`)."""
    PULLING_SOURCES[name] = dotted
    if label:
        LABELS[name] = label


def unregister(name: str) -> None:
    PULLING_SOURCES.pop(name, None)


class SourceUnavailable(Exception):
    """The source's module or class cannot be loaded (the message says why)."""


def load_class(name: str) -> type:
    dotted = PULLING_SOURCES.get(name)
    if dotted is None:
        raise SourceUnavailable(f"There is no pulling source '{name}'.")
    module_name, _, attribute = dotted.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise SourceUnavailable(f"The {name} connector cannot be loaded: {exc}") from exc


def settings(app_config: Mapping) -> Mapping:
    """What `from_config` reads: the app's configuration, then the environment (e.g. ZENDESK_SUBDOMAIN).

    Each provider reads its own keys, so a new provider needs no change to flashpoint/config.py.
    """
    return ChainMap(dict(app_config), dict(os.environ))


def build(name: str, app_config: Mapping) -> PullingSource | None:
    """The configured source of that name, or None when its settings are missing."""
    return load_class(name).from_config(settings(app_config))


def configured(app_config: Mapping) -> dict[str, PullingSource]:
    """Every pulling source whose settings are present (those that cannot load are left out)."""
    found = {}
    for name in PULLING_SOURCES:
        try:
            source = build(name, app_config)
        except SourceUnavailable:
            continue
        if source is not None:
            found[name] = source
    return found


def team_for_group(group: Any, group_teams: Mapping[str, str], default_team: str | None, provider: str,
                   prefix: str) -> tuple[str | None, str | None]:
    """A help desk group's team (`<PREFIX>_GROUP_TEAMS`), else the default team
    (`<PREFIX>_DEFAULT_TEAM`); else no team and why, which sets the item aside."""
    team = group_teams.get(str(group)) if group is not None else None
    if team is not None or default_team is not None:
        return team if team is not None else default_team, None
    if group is not None:
        return None, (f"{provider} group {group} has no team in {prefix}_GROUP_TEAMS "
                      f"and {prefix}_DEFAULT_TEAM is not set")
    return None, f"the ticket has no group and {prefix}_DEFAULT_TEAM is not set"
