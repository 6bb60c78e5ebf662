"""The App Home: each area's section (its data, then its blocks), put together and published with views.publish.

Sections are registered on the app (`slack_bot.registry.add_home_section(app, order, section)`,
`section(user) -> list[blocks]`, an empty list shows nothing). This package's orders: pending
approvals 10, my hero stories 20, praise about me 30, my ideas 40, the open pulse 50.
"""
from __future__ import annotations

import logging
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from engagement.ideas import personal as idea_lists
from engagement.pulses import answering as pulse_answering
from flashpoint.extensions import db
from flashpoint.permissions import can
from flashpoint.timeutil import utcnow, valid_timezone
from recognition.praise.inbox import praise_about
from recognition.stories.approvers import pending_for
from recognition.stories.wall import clap_counts, stories_about
from slack_bot.blocks import home as home_blocks
from slack_bot.blocks.ideas import my_ideas_blocks
from slack_bot.blocks.pulses import open_pulse_blocks
from slack_bot.blocks.stories import my_stories_blocks, pending_approvals_blocks, praise_about_me_blocks
from slack_bot.registry import add_home_section, home_sections

log = logging.getLogger(__name__)

LIST_LIMIT = 5


def home_view(user) -> dict:
    """The whole App Home for one person."""
    parts = []
    for build in home_sections():
        try:
            parts.append(build(user) or [])
        except Exception:  # one broken section must not blank the whole Home
            log.exception("App Home section %s failed", getattr(build, "__qualname__", build))
            db.session.rollback()
    return home_blocks.home_view(user.first_name, parts)


def publish_home(client, user) -> None:
    try:
        client.views_publish(user_id=user.slack_user_id, view=home_view(user))
    except Exception as exc:
        log.warning("could not publish the App Home of %s: %s", user.slack_user_id, exc)


# --- This package's sections -----------------------------------------------------------------

def pending_approvals_section(user) -> list[dict]:
    stories = pending_for(user)
    if not stories and not can(user, "view_praise_inbox"):
        return []  # not someone who decides on stories
    return pending_approvals_blocks(stories)


def my_stories_section(user) -> list[dict]:
    stories = stories_about(user)[:LIST_LIMIT]
    claps = clap_counts([story.id for story in stories])
    return my_stories_blocks([(story, claps.get(story.id, 0)) for story in stories], current_app.config["BASE_URL"])


def praise_about_me_section(user) -> list[dict]:
    items = praise_about(user, limit=LIST_LIMIT)
    return praise_about_me_blocks(items) if items else []


def my_ideas_section(user) -> list[dict]:
    waiting = idea_lists.waiting_for(user, limit=5)
    mine = idea_lists.my_ideas(user, limit=5)
    return my_ideas_blocks(waiting, mine, current_app.config["BASE_URL"])


def open_pulse_section(user) -> list[dict]:
    waiting = pulse_answering.open_pulses_for(user, utcnow())
    if not waiting:
        return []
    zone = ZoneInfo(user.timezone) if valid_timezone(user.timezone) else timezone.utc
    return open_pulse_blocks(waiting, zone)


def register(app: Flask) -> None:
    add_home_section(app, 10, pending_approvals_section)
    add_home_section(app, 20, my_stories_section)
    add_home_section(app, 30, praise_about_me_section)
    add_home_section(app, 40, my_ideas_section)
    add_home_section(app, 50, open_pulse_section)
