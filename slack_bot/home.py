"""The App Home: a list of sections, each a function of the person, published with views.publish.

Other areas add theirs with `add_home_section(order, builder)`, `builder(user) -> list[blocks]`
(an empty list shows nothing). Orders: pending approvals 10, my hero stories 20, praise about me
30, my ideas 40, the open pulse 50.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import current_app

from flashpoint.extensions import db
from flashpoint.permissions import can
from recognition.stories.models import HeroStory, story_heroes
from recognition.stories.services import clap_count, pending_for, praise_about
from slack_bot.blocks import VIEW_BLOCKS_MAX, absolute, clip, context, escape, header, quote_block, section
from slack_bot.story_blocks import decision_buttons, kind_and_values, mentions
from slack_bot.toolkit import unknown_person_text

log = logging.getLogger(__name__)

HomeBuilder = Callable[[object], list]
_SECTIONS: dict[str, tuple[int, HomeBuilder]] = {}
LIST_LIMIT = 5
HOME_BLOCKS_MAX = VIEW_BLOCKS_MAX


def add_home_section(order: int, builder: HomeBuilder) -> None:
    """Register a section; registering the same function again (a new app) replaces it."""
    _SECTIONS[f"{builder.__module__}.{builder.__qualname__}"] = (order, builder)


def home_sections() -> list[HomeBuilder]:
    return [builder for _order, builder in sorted(_SECTIONS.values(), key=lambda pair: pair[0])]


def home_view(user) -> dict:
    """The whole App Home for one person."""
    blocks: list[dict] = [header(f"Hi {user.first_name} 👋")]
    for builder in home_sections():
        try:
            part = builder(user) or []
        except Exception:  # one broken section must not blank the whole Home
            log.exception("App Home section %s failed", getattr(builder, "__qualname__", builder))
            db.session.rollback()
            continue
        if part:
            blocks.append({"type": "divider"})
            blocks.extend(part)
    if len(blocks) == 1:
        blocks.append(section("Nothing needs you right now. Use `/hero` to tell a colleague's hero story."))
    if len(blocks) > HOME_BLOCKS_MAX:
        blocks = blocks[: HOME_BLOCKS_MAX - 1] + [context("…more in Flashpoint.")]
    return {"type": "home", "blocks": blocks}


def unknown_home(slack_user_id: str) -> dict:
    return {"type": "home", "blocks": [header("Welcome to Flashpoint"), section(unknown_person_text(slack_user_id))]}


def publish_home(client, user) -> None:
    try:
        client.views_publish(user_id=user.slack_user_id, view=home_view(user))
    except Exception as exc:
        log.warning("could not publish the App Home of %s: %s", user.slack_user_id, exc)


# --- This package's sections -----------------------------------------------------------------

def pending_approvals_section(user) -> list[dict]:
    """A manager's `Pending approvals`, with the same buttons as the DM."""
    stories = pending_for(user)
    if not stories and not can(user, "view_praise_inbox"):
        return []  # not someone who decides on stories
    blocks = [header("Pending approvals")]
    if not stories:
        blocks.append(context("No hero stories are waiting for you."))
        return blocks
    for story in stories[:10]:
        nominator = escape(story.nominator.name) if story.nominator else "Someone"
        blocks.append(section(f"*{mentions(story.heroes)}* · nominated by {nominator}\n"
                              + quote_block(clip(story.text, 600))))
        blocks.append(context(kind_and_values(story)))
        blocks.append(decision_buttons(story))
    if len(stories) > 10:
        blocks.append(context(f"…and {len(stories) - 10} more in Flashpoint."))
    return blocks


def my_stories_section(user) -> list[dict]:
    """My hero stories and their claps (`👏 N`)."""
    stories = db.session.scalars(
        db.select(HeroStory).join(story_heroes, story_heroes.c.story_id == HeroStory.id)
        .where(story_heroes.c.user_id == user.id, HeroStory.state == "approved")
        .order_by(HeroStory.approved_at.desc()).limit(LIST_LIMIT)).all()
    blocks = [header("My hero stories")]
    if not stories:
        blocks.append(context("No hero stories about you yet. They will show here, with their claps."))
        return blocks
    base_url = current_app.config["BASE_URL"]
    for story in stories:
        url = absolute(f"/heroes/{story.id}", base_url)
        blocks.append(section(f"{quote_block(clip(story.text, 400))}\n"
                              f"👏 {clap_count(story)} · {escape(story.kind_label)} · <{url}|Open>"))
    return blocks


def praise_about_me_section(user) -> list[dict]:
    items = praise_about(user)[:LIST_LIMIT]
    if not items:
        return []
    blocks = [header("What customers said about me")]
    for item in items:
        blocks.append(section(f"*{escape(item.feedback.team.name)}*\n" + quote_block(clip(item.words, 600))))
    return blocks


add_home_section(10, pending_approvals_section)
add_home_section(20, my_stories_section)
add_home_section(30, praise_about_me_section)
