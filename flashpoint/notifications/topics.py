"""What a person may mute: topics grouping notification kinds, and the must-act kinds they never can."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from flashpoint.registry import must_act_kinds

MUTE_ALL = "all"


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    hint: str
    # Kind prefixes ("digest.") or exact kinds ("pulse.comment_reply").
    kinds: tuple[str, ...]
    # For idea updates: only those sent because of this relation (extra["relation"]).
    relation: str | None = None

    def matches(self, kind: str, relation: str | None) -> bool:
        if self.relation is not None and relation != self.relation:
            return False
        return any(kind == k or (k.endswith(".") and kind.startswith(k)) for k in self.kinds)


TOPICS: tuple[Topic, ...] = (
    Topic("digests", "Digests", "The weekly round-up and managers' summaries.", ("digest.",)),
    Topic("ideas_voted", "Ideas you voted for", "When an idea you voted for changes status.",
          ("idea.",), "voter"),
    Topic("ideas_followed", "Ideas you follow", "When an idea you follow changes status.",
          ("idea.",), "follower"),
    Topic("ideas_own", "Your own ideas", "What happened to the ideas and obstacles you raised.",
          ("idea.",), "submitter"),
    Topic("praise", "Customer praise", "When a customer names you or one of your people.", ("praise.",)),
    Topic("stories", "Hero stories", "News about stories you are part of.", ("story.",)),
    Topic("pulse_replies", "Replies to your pulse comments", "When someone answers a comment you left.",
          ("pulse.comment_reply",)),
)
TOPIC_KEYS = {t.key for t in TOPICS}
TOPIC_BY_KEY = {t.key: t for t in TOPICS}

# One-time sign-in links ask their recipient to act; other areas declare their own kinds
# (`registry.add_must_act`) from their init_app.
ACCOUNT_MUST_ACT = ("account.invitation", "account.password_reset")


def is_must_act(kind: str) -> bool:
    return kind in must_act_kinds(current_app)


def topic_for(kind: str, payload: dict | None) -> Topic | None:
    """The topic a notification belongs to, or None when it is must-act or in no topic."""
    if is_must_act(kind):
        return None
    relation = (payload or {}).get("relation")
    for topic in TOPICS:
        if topic.matches(kind, relation):
            return topic
    return None


def is_muted(muted: list | None, kind: str, payload: dict | None) -> bool:
    if not muted or is_must_act(kind):
        return False
    if MUTE_ALL in muted:
        return True
    topic = topic_for(kind, payload)
    return topic is not None and topic.key in muted
