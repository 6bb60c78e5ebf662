"""Imported pulse history and the team-period panel that insights read instead of raw rows."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flashpoint.extensions import db
from flashpoint.people.models import Team
from flashpoint.timeutil import utcnow

DRIVERS = ("recognition", "feedback", "growth", "empowerment", "tools", "manager", "peers", "purpose",
           "wellbeing", "customer_focus")
DRIVER_LABELS = {
    "recognition": "Recognition", "feedback": "Feedback", "growth": "Growth", "empowerment": "Empowerment",
    "tools": "Tools", "manager": "Manager", "peers": "Peers", "purpose": "Purpose",
    "wellbeing": "Wellbeing", "customer_focus": "Customer focus",
}
GRAINS = ("week", "month")


class PulseHistory(db.Model):
    """One driver's aggregated score for a team and period, as a former survey tool exported it."""

    __tablename__ = "pulse_history"
    __table_args__ = (
        # Re-importing a (team, period_start, driver) replaces that row.
        UniqueConstraint("team_id", "period_start", "driver"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint("respondents >= 0", name="respondents_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    driver: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    respondents: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship()


class TeamPeriod(db.Model):
    """Per team and period (week or month): what insights need, kept current as data arrives.

    Customer scores are stored as counts and sums so that each new feedback item updates them
    exactly with an atomic increment. Engagement is stored with its group size and the threshold is
    applied again when reading; but which live cycles count at all is settled when the panel is
    computed (small cycles count nowhere), so after changing PULSE_MIN_GROUP_SIZE run
    `flask rebuild-insights`.
    """

    __tablename__ = "insight_team_periods"
    __table_args__ = (
        UniqueConstraint("team_id", "grain", "period_start"),
        CheckConstraint("grain IN ('week', 'month')", name="grain_known"),
        Index("ix_insight_team_periods_grain_period", "grain", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    grain: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)

    csat_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    csat_good: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # ratings 4 or 5
    nps_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    nps_promoters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 9-10
    nps_detractors: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0-6
    ces_n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ces_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Approved hero stories with a hero in this team, by the period of their approval.
    stories_proactive: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stories_recovery: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Engagement as last refreshed from live pulses or imported history ("live" wins when both exist).
    engagement_source: Mapped[str | None] = mapped_column(String(8))
    group_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    engagement: Mapped[float | None] = mapped_column(Float)
    # {driver key: score 0-100}
    drivers: Mapped[dict] = mapped_column(JSON, default=dict)
    enps: Mapped[float | None] = mapped_column(Float)
    # The pulse results' sums of the closed cycles opening in this period (engagement.pulses.results.Cell
    # as its flat vector, at the configured threshold), and how many closed cycles they cover: /pulses
    # reads these instead of every answer, and sums afresh any team-period whose count no longer matches.
    pulse_cycles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pulse_cell: Mapped[list | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    team: Mapped[Team] = relationship()

    def customer_count(self, metric: str) -> int:
        return getattr(self, f"{metric}_n") or 0

    def customer_score(self, metric: str, minimum: int) -> float | None:
        """CSAT in %, NPS -100..100, CES mean 1-7; None below `minimum` items."""
        n = self.customer_count(metric)
        if n < minimum or n == 0:
            return None
        if metric == "csat":
            return 100.0 * self.csat_good / n
        if metric == "nps":
            return 100.0 * (self.nps_promoters - self.nps_detractors) / n
        return self.ces_sum / n
