"""Pulse test helpers: a team with people in several time zones, and answering through the link."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from engagement.pulses.models import PulseParticipation
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from tests.factories import make_manager, make_team, make_user


@pytest.fixture
def team_of(app):
    """A team with a manager and `n` staff (all in UTC unless time zones are given)."""

    def build(n: int = 5, slug: str | None = None, parent=None, zones: list[str] | None = None):
        team = make_team(slug, parent=parent)
        manager = make_manager(team)
        zones = zones or ["UTC"] * n
        staff = [make_user("staff", team, timezone=zones[i % len(zones)], password=None) for i in range(n)]
        return team, manager, staff

    return build


def invitation_links(user=None) -> list[str]:
    stmt = db.select(Notification).where(Notification.kind == "pulse.invitation")
    if user is not None:
        stmt = stmt.where(Notification.recipient_id == user.id)
    return [n.secret_url for n in db.session.scalars(stmt.order_by(Notification.id))]


def token_path(url: str) -> str:
    return "/pulse/" + url.rsplit("/", 1)[1]


def question_names(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(q\d+)"', html)))


def answer_link(client, url: str, value: int = 4, comment: str = "", enps: int = 8):
    """Open the link, answer every question with `value` (eNPS with `enps`), and post."""
    path = token_path(url)
    page = client.get(path)
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "comment": comment}
    for name in question_names(html):
        # The 0–10 item is the one offering an 11th option.
        data[name] = str(enps) if f'name="{name}" value="10"' in html else str(value)
    return client.post(path, data=data)


def participations(cycle_id=None) -> list[PulseParticipation]:
    stmt = db.select(PulseParticipation)
    if cycle_id is not None:
        stmt = stmt.where(PulseParticipation.cycle_id == cycle_id)
    return db.session.scalars(stmt).all()


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S")
