"""The weekly digest: Friday 16:00 (ORG_TIMEZONE) the heroes channel gets the week's stories in one
message, and each manager privately gets the praise for their people not yet celebrated, with a
nudge towards everyday delight when recoveries dominate their teams' stories.

Domain code: it records outbox notifications (`digest.weekly` to the channel, `digest.manager` to
managers) and knows nothing of Slack, so without Slack they show in the outbox preview.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from flashpoint.extensions import db
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import User, team_managers
from flashpoint.scheduler import DutyClaim, register_duty
from flashpoint.timeutil import valid_timezone
from recognition.channels import heroes_channel
from recognition.feedback.models import Feedback
from recognition.praise.inbox import praise_items
from recognition.praise.models import PraiseDismissal
from recognition.stories.models import HeroStory
from recognition.stories.wall import balance

DIGEST_WEEKDAY = 4          # Friday
DIGEST_TIME = time(16, 0)
# A digest not sent by then (the scheduler was down) is skipped rather than sent days late:
# "this week's heroes" on a Wednesday would read as news that is not.
CATCH_UP = timedelta(days=2)
STORIES_LISTED = 20
PRAISE_LISTED = 5
BALANCE_DAYS = 90

CHANNEL_WORDINGS = [
    "{count} hero stories this week. Take a minute to read them and clap for your colleagues.",
    "This week, {count} colleagues' stories were celebrated. Here they are.",
    "Friday round-up: {count} hero stories from this week.",
    "{count} moments worth celebrating this week. Read them below.",
]
NUDGE_WORDINGS = [
    "Most of your teams' hero stories in the last 90 days were recoveries ({recovery} of {total}). "
    "Keep an eye out for the quiet, proactive moments too: the small things that made a customer's day "
    "when nothing had gone wrong.",
    "Recoveries lead your teams' stories lately ({recovery} of {total} in 90 days). Everyday delight "
    "counts as much as putting things right: who surprised a customer this week without being asked?",
    "A thought for next week: {recovery} of your teams' last {total} stories were recoveries. Proactive "
    "delight is easy to miss because nothing went wrong; ask your team who made someone's day.",
]


@dataclass
class DigestWeek:
    """One digest: the week that ends at `due_at` (naive UTC) and its label (ISO week)."""

    due_at: datetime
    label: str

    @property
    def starts_at(self) -> datetime:
        return self.due_at - timedelta(days=7)


def latest_digest_week(now: datetime, tz_name: str) -> DigestWeek:
    """The most recent Friday 16:00 in the organisation's time zone at or before `now` (UTC)."""
    zone = ZoneInfo(tz_name) if valid_timezone(tz_name) else timezone.utc
    local_now = now.replace(tzinfo=timezone.utc).astimezone(zone)
    days_back = (local_now.weekday() - DIGEST_WEEKDAY) % 7
    friday = local_now.date() - timedelta(days=days_back)
    due_local = datetime.combine(friday, DIGEST_TIME, tzinfo=zone)
    if due_local > local_now:
        friday -= timedelta(days=7)
        due_local = datetime.combine(friday, DIGEST_TIME, tzinfo=zone)
    due_utc = due_local.astimezone(timezone.utc).replace(tzinfo=None)
    year, week, _ = friday.isocalendar()
    return DigestWeek(due_at=due_utc, label=f"{year}-W{week:02d}")


def run_weekly_digest(now: datetime) -> str | None:
    """The duty: send this week's digest once, when it is due. Idempotent by dedupe keys."""
    week = latest_digest_week(now, current_app.config["ORG_TIMEZONE"])
    if now - week.due_at > CATCH_UP:
        return None
    if not _claim_week(week):
        return None
    posted = channel_digest(week)
    managers = sum(1 for manager in _managers() if manager_digest(manager, week))
    db.session.commit()
    return f"{week.label}: {'channel' if posted else 'no channel message'}, {managers} manager notes"


def _claim_week(week: DigestWeek) -> bool:
    """The week's digest is composed once: a unique (duty, slot) row committed with its notes."""
    name = "weekly_digest.week"
    if db.session.scalar(db.select(DutyClaim.id).where(DutyClaim.duty == name,
                                                       DutyClaim.slot == week.due_at)) is not None:
        return False
    db.session.add(DutyClaim(duty=name, slot=week.due_at, finished_at=week.due_at))
    return True


def week_stories(week: DigestWeek) -> list[HeroStory]:
    stories = db.session.scalars(db.select(HeroStory).where(
        HeroStory.state == "approved", HeroStory.approved_at >= week.starts_at,
        HeroStory.approved_at < week.due_at).order_by(HeroStory.approved_at, HeroStory.id)).all()
    # Private recognition stays off the channel (the story domain's rule for celebrations too).
    return [story for story in stories if not story.is_private]


def channel_digest(week: DigestWeek):
    """One message with the week's stories; nothing at all on a week without any."""
    stories = week_stories(week)
    if not stories:
        return None
    count = len(stories)
    wording = CHANNEL_WORDINGS[int(week.label[-2:]) % len(CHANNEL_WORDINGS)]
    lines = [f"• {s.hero_names} ({s.kind_label}): {_first_line(s.text)}" for s in stories[:STORIES_LISTED]]
    if count > STORIES_LISTED:
        lines.append(f"…and {count - STORIES_LISTED} more on the hero wall.")
    text = wording.format(count=count) + "\n\n" + "\n".join(lines)
    if count == 1:
        text = text.replace("1 hero stories", "One hero story").replace("1 colleagues' stories were",
                                                                         "one colleague's story was")
        text = text.replace("1 moments", "One moment")
    return record_notification(
        "digest.weekly", f"This week's hero stories ({week.label})", text,
        channel=heroes_channel(), link="/heroes",
        dedupe_key=f"digest.weekly:{week.label}",
        extra={"story_ids": [s.id for s in stories[:STORIES_LISTED]], "week": week.label})


def _managers() -> list[User]:
    return list(db.session.scalars(
        db.select(User).where(User.active.is_(True), User.id.in_(db.select(team_managers.c.user_id)))
        .order_by(User.id)))


def uncelebrated_praise(manager: User, week: DigestWeek) -> list:
    """This week's praise naming the manager's people that no story celebrates yet."""
    team_ids = manager.managed_team_ids()
    if not team_ids:
        return []
    feedbacks = db.session.scalars(
        db.select(Feedback).where(
            Feedback.positive.is_(True), Feedback.team_id.in_(team_ids),
            Feedback.received_at >= week.starts_at, Feedback.received_at < week.due_at,
            Feedback.id.not_in(db.select(PraiseDismissal.feedback_id).where(
                PraiseDismissal.user_id == manager.id)))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())).all()
    items = praise_items(list(feedbacks), manager)
    return [item for item in items if item.named and not item.celebrated]


def recovery_nudge(manager: User, now: datetime) -> tuple[int, int] | None:
    """(recoveries, total) over 90 days when recoveries outnumber proactive stories, else None."""
    rows = balance(sorted(manager.managed_team_ids()), days=BALANCE_DAYS, now=now)
    recovery = sum(r.recovery for r in rows)
    proactive = sum(r.proactive for r in rows)
    return (recovery, recovery + proactive) if recovery > proactive else None


def _team_stories_this_week(manager: User, week: DigestWeek) -> int:
    team_ids = manager.managed_team_ids()
    return sum(1 for story in db.session.scalars(db.select(HeroStory).where(
        HeroStory.state == "approved", HeroStory.approved_at >= week.starts_at,
        HeroStory.approved_at < week.due_at))
        if any(hero.team_id in team_ids for hero in story.heroes))


def manager_digest(manager: User, week: DigestWeek):
    """A manager's private note, or None on a week with nothing to say.

    Something to say: praise for their people still waiting to be celebrated, or stories in
    their teams this week. The recovery nudge only rides along with one of those, so a quiet week
    stays quiet (automation is not always your friend).
    """
    praise = uncelebrated_praise(manager, week)
    team_stories = _team_stories_this_week(manager, week)
    if not praise and not team_stories:
        return None
    parts = []
    if praise:
        parts.append(f"{len(praise)} piece{'s' if len(praise) != 1 else ''} of customer praise this week "
                     "named your people and no hero story celebrates them yet:")
        for item in praise[:PRAISE_LISTED]:
            names = ", ".join(person.name for person in item.named)
            parts.append(f"• {names} ({item.feedback.team.name}): “{_first_line(item.words, 160)}”")
        if len(praise) > PRAISE_LISTED:
            parts.append(f"…and {len(praise) - PRAISE_LISTED} more in your praise inbox.")
    else:
        parts.append(f"Your teams had {team_stories} hero stor{'ies' if team_stories != 1 else 'y'} "
                     "celebrated this week, and no customer praise is waiting.")
    nudge = recovery_nudge(manager, week.due_at)
    if nudge:
        recovery, total = nudge
        parts.append("")
        parts.append(varied("digest.manager", manager, NUDGE_WORDINGS, recovery=recovery, total=total))
    return record_notification(
        "digest.manager", f"Your week in recognition ({week.label})", "\n".join(parts),
        recipient=manager, link="/praise", dedupe_key=f"digest.manager:{week.label}:{manager.id}",
        extra={"week": week.label, "feedback_ids": [i.feedback.id for i in praise[:PRAISE_LISTED]],
               "nudge": bool(nudge)})


def _first_line(text: str, limit: int = 120) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def init_app(app: Flask) -> None:
    # Quarter-hour slots, so zones with half-hour offsets are not an hour late.
    register_duty(app, "weekly_digest", timedelta(minutes=15), run_weekly_digest)
