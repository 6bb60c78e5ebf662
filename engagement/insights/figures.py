"""The engagement figures of one team-period, as live answers or imported history give them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EngagementFigures:
    """Engagement of one team-period from one source, before the anonymity threshold is applied."""

    source: str
    group_size: int
    engagement: float | None
    drivers: dict[str, float] = field(default_factory=dict)
    enps: float | None = None
