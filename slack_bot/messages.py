"""Keeping posted messages true: approval requests rewritten once decided, and immediate delivery.

An approval request shows its outcome once a story is decided (wherever it was decided), so
nobody acts twice on a stale message.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from flashpoint.extensions import db
from flashpoint.outbox import delivery
from flashpoint.timeutil import utcnow
from recognition.stories.models import HeroStory
from recognition.stories.quotes import hero_quote
from slack_bot.app import listener_client
from slack_bot.blocks.stories import approval_blocks, approval_text
from slack_bot.models import SlackMessageRef

log = logging.getLogger(__name__)

APPROVAL_KINDS = ("story.approval_request", "story.approval_reminder")


def refresh_story_messages(story, client) -> int:
    """Rewrite the approval messages of one story (chat.update); settle them once decided."""
    refs = db.session.scalars(db.select(SlackMessageRef).where(
        SlackMessageRef.kind.in_(APPROVAL_KINDS), SlackMessageRef.subject_id == story.id,
        SlackMessageRef.settled_at.is_(None))).all()
    updated = 0
    base_url = current_app.config["BASE_URL"]
    for ref in refs:
        try:
            client.chat_update(channel=ref.channel, ts=ref.ts, text=approval_text(story),
                               blocks=approval_blocks(story, base_url, evidence=hero_quote(story)))
        except Exception as exc:  # chat.update is idempotent: the sync duty tries again
            log.warning("could not update the approval message %s/%s: %s", ref.channel, ref.ts, exc)
            continue
        updated += 1
        if not story.is_pending:
            ref.settled_at = utcnow()
    db.session.commit()
    return updated


def sync_decided_approvals(now: datetime) -> int:
    """The duty: approval messages of stories decided elsewhere (the web, another approver)
    are brought up to date, so no button stays clickable on a decided story."""
    stale = db.session.scalars(
        db.select(HeroStory).join(SlackMessageRef, SlackMessageRef.subject_id == HeroStory.id)
        .where(SlackMessageRef.kind.in_(APPROVAL_KINDS), SlackMessageRef.settled_at.is_(None),
               HeroStory.state != "pending",
               SlackMessageRef.created_at >= now - timedelta(days=90))
        .distinct()).all()
    if not stale:
        return 0
    client = listener_client(current_app.config)
    return sum(refresh_story_messages(story, client) for story in stale)


def deliver_now() -> None:
    """Deliver what a Slack action just recorded (the approver's DM, the celebration) without
    waiting for the next delivery tick. Claims make this safe beside the scheduler."""
    try:
        delivery.deliver_due(utcnow(), limit=50)
    except Exception:  # the scheduler's delivery duty will pick it up
        log.exception("immediate delivery failed; the delivery duty will retry")
        db.session.rollback()


def message_ref(channel: str, ts: str) -> SlackMessageRef | None:
    return db.session.scalar(db.select(SlackMessageRef).where(
        SlackMessageRef.channel == channel, SlackMessageRef.ts == ts))
