"""What /admin/sources shows: each source's state and its latest items set aside, never a credential."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from flashpoint.extensions import db
from recognition.feedback.sources import base
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource

# Items set aside shown per source (the newest); the count covers them all.
ASIDE_SHOWN = 20


@dataclass
class SourceStatus:
    name: str
    label: str
    kind: str                         # "pull" or "webhook"
    state: FeedbackSource | None      # None: configured but never run yet
    problem: str | None = None        # why a pulling source cannot run (its connector cannot load)
    set_aside: list[FeedbackSetAside] = field(default_factory=list)


def overview(app_config: Mapping) -> tuple[list[SourceStatus], list[str]]:
    """The sources to show (configured pulling sources, any that ran before, every webhook) and
    the labels of the providers not configured. Two queries whatever the number of sources."""
    states = {s.name: s for s in db.session.scalars(db.select(FeedbackSource).order_by(FeedbackSource.name))}
    shown: list[SourceStatus] = []
    idle: list[str] = []
    for name in base.PULLING_SOURCES:
        label = base.LABELS.get(name, name)
        try:
            configured = base.build(name, app_config) is not None
            problem = None
        except base.SourceUnavailable as exc:
            configured, problem = False, str(exc)
        if configured or name in states or problem:
            shown.append(SourceStatus(name, label, "pull", states.get(name), problem))
        else:
            idle.append(label)
    shown += [SourceStatus(s.name, s.name, "webhook", s) for s in states.values() if s.kind == "webhook"]
    aside = db.session.scalars(db.select(FeedbackSetAside).where(
        FeedbackSetAside.source.in_([s.name for s in shown])).order_by(FeedbackSetAside.at.desc(), FeedbackSetAside.id.desc())
        .limit(ASIDE_SHOWN * max(1, len(shown))))
    by_source: dict[str, list[FeedbackSetAside]] = {}
    for row in aside:
        by_source.setdefault(row.source, []).append(row)
    for status in shown:
        status.set_aside = by_source.get(status.name, [])[:ASIDE_SHOWN]
    return shown, idle
