"""Extension points the domains fill in from their init_app: navigation, home panels, demo steps,
must-act notification kinds.

The shell stays ignorant of the domains' insides: each domain says here what it adds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Flask


@dataclass(order=True)
class NavItem:
    order: int
    label: str = field(compare=False)
    endpoint: str = field(compare=False)
    # Name of a permission rule (flashpoint.permissions) that must allow the viewer; None = all.
    permission: str | None = field(default=None, compare=False)
    # Endpoints (prefixes) for which this item is highlighted as current.
    active_prefix: str | None = field(default=None, compare=False)
    # Optional count shown beside the label (e.g. unread notifications): fn(user) -> int.
    badge: Callable | None = field(default=None, compare=False)


@dataclass(order=True)
class HomePanel:
    order: int
    # Called with the signed-in user; returns rendered HTML (Markup) or None when nothing to show.
    render: Callable = field(compare=False)


@dataclass(order=True)
class DemoStep:
    order: int
    name: str = field(compare=False)
    # Called with a seeded random.Random; loads its part of the demo organisation.
    load: Callable = field(compare=False)


def _bucket(app: Flask, name: str) -> list:
    return app.extensions.setdefault("flashpoint." + name, [])


def add_nav_item(app: Flask, item: NavItem) -> None:
    _bucket(app, "nav").append(item)


def nav_items(app: Flask) -> list[NavItem]:
    return sorted(_bucket(app, "nav"))


def add_home_panel(app: Flask, order: int, render: Callable) -> None:
    _bucket(app, "home").append(HomePanel(order, render))


def home_panels(app: Flask) -> list[HomePanel]:
    return sorted(_bucket(app, "home"))


def add_demo_step(app: Flask, order: int, name: str, load: Callable) -> None:
    _bucket(app, "demo").append(DemoStep(order, name, load))


def demo_steps(app: Flask) -> list[DemoStep]:
    return sorted(_bucket(app, "demo"))


def add_must_act(app: Flask, kind: str) -> None:
    """Declare a notification kind that asks its recipient to act, so preferences cannot mute it."""
    app.extensions.setdefault("flashpoint.must_act", set()).add(kind)


def must_act_kinds(app: Flask) -> frozenset[str]:
    return frozenset(app.extensions.get("flashpoint.must_act", ()))


def add_shown_at_home(app: Flask, kind: str) -> None:
    """Declare a notification kind whose subject a home panel already shows (praise waiting, stories
    to approve): its in-app copy is filed as read, so the home page and the unread count do not
    say the same thing twice. Slack and e-mail still deliver it."""
    app.extensions.setdefault("flashpoint.shown_at_home", set()).add(kind)


def shown_at_home_kinds(app: Flask) -> frozenset[str]:
    return frozenset(app.extensions.get("flashpoint.shown_at_home", ()))


def add_personal_data(app: Flask, section: str, collect: Callable) -> None:
    """Declare what an area holds about a person, for their data export (GDPR article 15/20):
    `collect(user) -> list[dict]`, plain values only, one dict per row."""
    _bucket(app, "personal_data").append((section, collect))


def personal_data_sections(app: Flask) -> list[tuple[str, Callable]]:
    return list(_bucket(app, "personal_data"))


def add_erasure(app: Flask, erase: Callable) -> None:
    """Declare how an area forgets a leaver when an admin erases them: `erase(user, names)` removes
    or redacts what it holds about the person (`names`: their name and nicknames, to redact from
    free text), keeps what counts in aggregates, and never commits."""
    _bucket(app, "erasure").append(erase)


def erasures(app: Flask) -> list[Callable]:
    return list(_bucket(app, "erasure"))
