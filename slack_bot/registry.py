"""The Slack extension points the app holds: a Block Kit builder per notification kind, App Home sections.

Filled from `init_app` (slack_bot's own `register(app)` calls, or any area's init_app), read
through `current_app` while a message is rendered or a Home is built; nothing is filled at import.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Flask, current_app

from slack_bot.blocks.common import default_blocks

# builder(notification, base_url) -> list of blocks
Builder = Callable[[object, str], list]
# section(user) -> list of blocks (an empty list shows nothing)
HomeSection = Callable[[object], list]

BUILDERS_KEY = "slack_bot.builders"
HOME_SECTIONS_KEY = "slack_bot.home_sections"


@dataclass(order=True)
class _Section:
    order: int
    build: HomeSection = field(compare=False)


def add_builder(app: Flask, kind: str, builder: Builder) -> None:
    """The blocks for notifications of `kind`; registering a kind again replaces its builder."""
    app.extensions.setdefault(BUILDERS_KEY, {})[kind] = builder


def builder_for(kind: str) -> Builder:
    return current_app.extensions.get(BUILDERS_KEY, {}).get(kind, default_blocks)


def add_home_section(app: Flask, order: int, section: HomeSection) -> None:
    """A section of the App Home, shown in `order`; registering the same function again replaces it."""
    sections = app.extensions.setdefault(HOME_SECTIONS_KEY, [])
    sections[:] = [s for s in sections if s.build is not section]
    sections.append(_Section(order, section))
    sections.sort()


def home_sections() -> list[HomeSection]:
    return [s.build for s in current_app.extensions.get(HOME_SECTIONS_KEY, [])]
