"""Submitting an idea or obstacle: its title and tags checked, its owner chosen and told.

Plain values in, domain objects out; the caller commits. An anonymous submitter is named in no text.
"""
from __future__ import annotations

import re

from engagement.ideas.errors import IdeaError
from engagement.ideas.models import DESCRIPTION_MAX, KINDS, TAG_MAX, TAGS_MAX, TITLE_MAX, Idea, IdeaTag
from engagement.ideas.owners import default_owner, tell_owner
from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.timeutil import utcnow

_TAG_CLEAN = re.compile(r"[^\w\- ]+", re.UNICODE)


def parse_tags(raw: str | list[str] | None) -> list[str]:
    """"Queues, Checkout,queues" -> ["checkout", "queues"]; each at most TAG_MAX characters."""
    if not raw:
        return []
    parts = raw if isinstance(raw, list) else raw.split(",")
    tags: list[str] = []
    for part in parts:
        tag = " ".join(_TAG_CLEAN.sub("", part).lower().split())
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise IdeaError(f"A tag can be at most {TAG_MAX} characters.", "tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise IdeaError(f"At most {TAGS_MAX} tags, please.", "tags")
    return sorted(tags)


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise IdeaError("Give your idea a title.", "title")
    if len(title) > TITLE_MAX:
        raise IdeaError(f"The title can be at most {TITLE_MAX} characters (it has {len(title)}).", "title")
    return title


def submit_idea(submitter: User, *, title: str, description: str = "", kind: str = "idea",
                team: Team | None, tags: str | list[str] | None = None, anonymous: bool = False) -> Idea:
    """A new idea or obstacle, owned by the manager of its team; the owner is told."""
    title = _clean_title(title)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise IdeaError(f"The description can be at most {DESCRIPTION_MAX:,} characters.", "description")
    if kind not in KINDS:
        raise IdeaError("Choose whether this is an idea or an obstacle.", "kind")
    if team is None:
        raise IdeaError("Choose the team it concerns.", "team")
    tag_names = parse_tags(tags)
    now = utcnow()
    # An anonymous idea goes to whoever any idea about its team goes to: skipping its proposer would
    # send a manager's anonymous idea to the parent team's manager, and so tell who wrote it.
    owner = default_owner(team, None if anonymous else submitter)
    idea = Idea(title=title, description=description, kind=kind, team=team, submitter=submitter,
                anonymous=bool(anonymous), owner=owner, status="new",
                created_at=now, updated_at=now, status_changed_at=now)
    idea.tags = [IdeaTag(name=name) for name in tag_names]
    db.session.add(idea)
    db.session.flush()
    if idea.owner is not None and idea.owner.id != submitter.id:
        tell_owner(idea, idea.owner, new=True)
    return idea
