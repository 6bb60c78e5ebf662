"""Notifications as Slack messages: each kind's builder registered on the app, and `render`.

A builder here looks up what a notification is about (its `extra` ids) and hands the domain
object to the pure functions of `slack_bot.blocks`; a subject gone since falls back to the
default blocks.
"""
from __future__ import annotations

from flask import Flask

from engagement.ideas.models import Idea
from flashpoint.extensions import db
from recognition.stories.models import HeroStory
from recognition.stories.quotes import hero_quote
from slack_bot.blocks import ideas as idea_blocks
from slack_bot.blocks import pulses as pulse_blocks
from slack_bot.blocks import stories as story_blocks
from slack_bot.blocks.common import MESSAGE_BLOCKS_MAX, default_blocks, fallback_text, limit_blocks
from slack_bot.registry import add_builder, builder_for


def render(notification, base_url: str) -> tuple[str, list]:
    """The fallback text (notifications, screen readers) and the blocks for one notification."""
    blocks = builder_for(notification.kind)(notification, base_url)
    return fallback_text(notification), limit_blocks(blocks, MESSAGE_BLOCKS_MAX)


def _story(notification):
    story_id = (notification.payload or {}).get("story_id")
    return db.session.get(HeroStory, story_id) if story_id else None


def story_approval_request(notification, base_url: str) -> list[dict]:
    story = _story(notification)
    if story is None:
        return default_blocks(notification, base_url)
    return story_blocks.approval_request_blocks(notification, story, base_url, evidence=hero_quote(story))


def story_celebration(notification, base_url: str) -> list[dict]:
    story = _story(notification)
    if story is None:
        return default_blocks(notification, base_url)
    return story_blocks.celebration_blocks(story, base_url, notification.quote,
                                           private=bool((notification.payload or {}).get("private")))


def story_hero_note(notification, base_url: str) -> list[dict]:
    story = _story(notification)
    if story is None:
        return default_blocks(notification, base_url)
    return story_blocks.hero_note_blocks(notification, story, base_url)


def weekly_digest(notification, base_url: str) -> list[dict]:
    ids = (notification.payload or {}).get("story_ids") or []
    stories = db.session.scalars(db.select(HeroStory).where(HeroStory.id.in_(ids))).all() if ids else []
    if not stories:
        return default_blocks(notification, base_url)
    order = {story_id: n for n, story_id in enumerate(ids)}
    return story_blocks.digest_blocks(notification, sorted(stories, key=lambda s: order.get(s.id, 0)), base_url)


def idea_celebration(notification, base_url: str) -> list[dict]:
    idea_id = (notification.payload or {}).get("idea_id")
    idea = db.session.get(Idea, idea_id) if idea_id else None
    return idea_blocks.celebration_blocks(notification, idea, base_url)


def register(app: Flask) -> None:
    add_builder(app, "story.approval_request", story_approval_request)
    add_builder(app, "story.approval_reminder", story_approval_request)
    add_builder(app, "story.celebration", story_celebration)
    add_builder(app, "story.hero_note", story_hero_note)
    add_builder(app, "praise.manager_alert", story_blocks.praise_alert_blocks)
    add_builder(app, "digest.weekly", weekly_digest)
    add_builder(app, "idea.status_changed", idea_blocks.status_changed_blocks)
    add_builder(app, "idea.owner_reminder", idea_blocks.owner_blocks)
    add_builder(app, "idea.assigned", idea_blocks.owner_blocks)
    add_builder(app, "idea.celebration", idea_celebration)
    add_builder(app, "pulse.invitation", pulse_blocks.invitation_blocks)
    add_builder(app, "pulse.reminder", pulse_blocks.reminder_blocks)
