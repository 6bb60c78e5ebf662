"""HR's feedback list: the filters read from a query string, the query they select, the teams a
viewer may filter on, and a team's recent counts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Mapping

from flashpoint.extensions import db
from flashpoint.pagination import KeysetPage, keyset_page
from flashpoint.people.models import METRICS, Team
from flashpoint.timeutil import utcnow
from recognition.feedback.models import CHANNELS, Feedback

PERIODS = {"7d": ("Last 7 days", 7), "30d": ("Last 30 days", 30), "90d": ("Last 90 days", 90),
           "365d": ("Last 12 months", 365)}


@dataclass
class FeedbackFilter:
    team_ids: list[int] | None = None  # None: every team the viewer may see
    metric: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    positive_only: bool = False
    consent_only: bool = False
    channel: str | None = None
    search: str = ""


def filtered(visible_team_ids: set[int] | None, filters: FeedbackFilter):
    """A select of feedback matching the filters, newest first; `visible_team_ids` None means all."""
    stmt = db.select(Feedback).order_by(Feedback.received_at.desc(), Feedback.id.desc())
    if visible_team_ids is not None:
        stmt = stmt.where(Feedback.team_id.in_(visible_team_ids or [-1]))
    if filters.team_ids is not None:
        stmt = stmt.where(Feedback.team_id.in_(filters.team_ids or [-1]))
    if filters.metric:
        stmt = stmt.where(Feedback.metric == filters.metric)
    if filters.score_min is not None:
        stmt = stmt.where(Feedback.score >= filters.score_min)
    if filters.score_max is not None:
        stmt = stmt.where(Feedback.score <= filters.score_max)
    if filters.since is not None:
        stmt = stmt.where(Feedback.received_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Feedback.received_at < filters.until)
    if filters.positive_only:
        stmt = stmt.where(Feedback.positive.is_(True))
    if filters.consent_only:
        stmt = stmt.where(Feedback.consent.is_(True))
    if filters.channel:
        stmt = stmt.where(Feedback.channel == filters.channel)
    if filters.search:
        like = "%" + filters.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(db.or_(db.func.lower(Feedback.comment).like(like, escape="\\"),
                                 db.func.lower(Feedback.helper_name).like(like, escape="\\")))
    return stmt


def page_of(visible_team_ids: set[int] | None, filters: FeedbackFilter, args: Mapping[str, str],
            per_page: int) -> KeysetPage:
    """The page of the filtered list the query string asks for (`page`, and the `after`/`before`
    cursors its links carry): read along ix_feedback_received, so a deep page costs what page 1 costs."""
    return keyset_page(filtered(visible_team_ids, filters), time_col=Feedback.received_at, id_col=Feedback.id,
                       args=args, per_page=per_page)


def parse_filters(args: Mapping[str, str], now: datetime | None = None) -> tuple[FeedbackFilter, dict, list[str]]:
    """Read the filters from the query string; unusable values are dropped with a note."""
    notes: list[str] = []
    values = {key: (args.get(key) or "").strip() for key in
              ("team", "metric", "min", "max", "period", "from", "to", "positive", "consent", "channel", "q")}
    f = FeedbackFilter(search=values["q"][:200])
    if values["team"]:
        team = db.session.scalar(db.select(Team).where(Team.slug == values["team"]))
        if team is None:
            notes.append(f"There is no team '{values['team']}'; showing every team.")
            values["team"] = ""
        else:
            f.team_ids = [t.id for t in team.subtree()]
    if values["metric"] in METRICS:
        f.metric = values["metric"]
    else:
        values["metric"] = ""
    for key, attr in (("min", "score_min"), ("max", "score_max")):
        if values[key]:
            try:
                setattr(f, attr, int(values[key]))
            except ValueError:
                notes.append(f"'{values[key]}' is not a whole number; the score filter was ignored.")
                values[key] = ""
    if values["period"] in PERIODS:
        f.since = (now or utcnow()) - timedelta(days=PERIODS[values["period"]][1])
    else:
        values["period"] = ""
    for key, attr, shift in (("from", "since", 0), ("to", "until", 1)):
        if values[key]:
            try:
                day = date.fromisoformat(values[key])
            except ValueError:
                notes.append(f"'{values[key]}' is not a date (YYYY-MM-DD); it was ignored.")
                values[key] = ""
            else:
                try:
                    setattr(f, attr, datetime.combine(day + timedelta(days=shift), datetime.min.time()))
                except OverflowError:  # "to" the last day there is: no upper bound
                    pass
    f.positive_only = values["positive"] == "1"
    f.consent_only = values["consent"] == "1"
    if values["channel"] in CHANNELS:
        f.channel = values["channel"]
    else:
        values["channel"] = ""
    return f, values, notes


def visible_teams(visible_team_ids: set[int] | None) -> list[Team]:
    """The teams a viewer may filter on (None: every team), by name."""
    stmt = db.select(Team).order_by(Team.name)
    if visible_team_ids is not None:
        stmt = stmt.where(Team.id.in_(visible_team_ids or [-1]))
    return list(db.session.scalars(stmt))


def team_counts(team: Team, now: datetime | None = None) -> dict:
    """Recent feedback counts for a team page: last 7 and 30 days, positive share, by channel."""
    now = now or utcnow()
    result: dict = {}
    for label, days in (("week", 7), ("month", 30)):
        since = now - timedelta(days=days)
        total, positive = db.session.execute(
            db.select(db.func.count(Feedback.id),
                      db.func.coalesce(db.func.sum(db.case((Feedback.positive.is_(True), 1), else_=0)), 0))
            .where(Feedback.team_id == team.id, Feedback.received_at >= since)
        ).one()
        result[label] = {"total": int(total), "positive": int(positive)}
    result["by_channel"] = dict(db.session.execute(
        db.select(Feedback.channel, db.func.count(Feedback.id))
        .where(Feedback.team_id == team.id, Feedback.received_at >= now - timedelta(days=30))
        .group_by(Feedback.channel)
    ).all())
    return result
