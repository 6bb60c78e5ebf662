"""Slack test data: a team with a manager, a hero and a colleague, all on Slack."""
from __future__ import annotations

from dataclasses import dataclass

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from tests.factories import make_manager, make_team, make_user


@dataclass
class SlackTeam:
    team: Team
    manager: User
    hero: User
    colleague: User


def make_slack_team(prefix: str = "") -> SlackTeam:
    team = make_team()
    # No passwords: hashing one takes a noticeable fraction of a second and Slack needs none.
    manager = make_manager(team, name=f"{prefix}Maya Manager", slack_user_id=f"U{prefix}MGR", password=None)
    hero = make_user(team=team, name=f"{prefix}Hana Hero", slack_user_id=f"U{prefix}HERO", password=None)
    colleague = make_user(team=team, name=f"{prefix}Cole Colleague", slack_user_id=f"U{prefix}COLL",
                          password=None)
    return SlackTeam(team, manager, hero, colleague)


def values_ids() -> list[int]:
    from recognition.stories.values import active_values

    ids = [v.id for v in active_values()]
    db.session.commit()
    return ids


def nomination_values(*, heroes: list[str], text: str, kind: str | None, value_ids: list[int],
                      feedback_id: int | None = None) -> dict:
    """`state.values` of a submitted nomination modal, as Slack sends it."""
    values = {
        "heroes": {"heroes": {"type": "multi_users_select", "selected_users": heroes}},
        "text": {"text": {"type": "plain_text_input", "value": text or None}},
        "kind": {"kind": {"type": "radio_buttons", "selected_option":
                          {"text": {"type": "plain_text", "text": kind}, "value": kind} if kind else None}},
        "values": {"values": {"type": "multi_static_select", "selected_options": [
            {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in value_ids]}},
    }
    if feedback_id is not None:
        values["feedback"] = {"feedback": {"type": "static_select", "selected_option":
                                           {"text": {"type": "plain_text", "text": "f"}, "value": str(feedback_id)}}}
    return values
