"""The hero wall and what surrounds it: the wall's query, claps, each team's balance of proactive and
recovery stories, and the unsung heroes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.permissions import can, is_hr
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.hr_cache import hr_cached
from recognition.stories.errors import StoryError
from recognition.praise.models import PraiseMatch
from recognition.stories.models import CLAP_SOURCES, KINDS, Clap, HeroStory, story_heroes, story_values


def _private_story_ids():
    # Driven by the few people who asked for privacy, then their stories by the heroes' person index:
    # joined the other way, every hero of every story (120,000 at full size) was read at each page.
    private = User.private_recognition.is_(True)
    if db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL plans `IN (subquery)` here as a hash join that reads every hero of every story
        # (about 25 ms at full size, on every wall page); given the people as one array computed
        # first, it looks their stories up in the person index instead (a third of the time).
        people = sa.cast(db.select(func.array_agg(User.id)).where(private).scalar_subquery(), ARRAY(sa.Integer))
        return db.select(story_heroes.c.story_id).where(story_heroes.c.user_id == sa.any_(people))
    return db.select(story_heroes.c.story_id).where(story_heroes.c.user_id.in_(db.select(User.id).where(private)))


PERIODS = {"30d": 30, "90d": 90, "365d": 365}


def wall_ids(*, team_id: int | None = None, value_id: int | None = None, kind: str | None = None,
             period: str | None = None, search: str | None = None, now: datetime | None = None):
    """The ids of approved stories nobody asked to keep private, filtered; no order (the page adds it)."""
    stmt = (db.select(HeroStory.id).where(HeroStory.state == "approved")
            .where(HeroStory.id.not_in(_private_story_ids())))
    if team_id:
        team = db.session.get(Team, team_id)
        team_ids = [t.id for t in team.subtree()] if team else [team_id]
        stmt = stmt.where(HeroStory.id.in_(
            db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
            .where(User.team_id.in_(team_ids))))
    if value_id:
        stmt = stmt.where(HeroStory.id.in_(
            db.select(story_values.c.story_id).where(story_values.c.value_id == value_id)))
    if kind in KINDS:
        stmt = stmt.where(HeroStory.kind == kind)
    if period in PERIODS:
        stmt = stmt.where(HeroStory.approved_at >= (now or utcnow()) - timedelta(days=PERIODS[period]))
    search = (search or "").strip()
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(or_(
            func.lower(HeroStory.text).like(like),
            HeroStory.id.in_(db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
                             .where(func.lower(User.name).like(like))),
        ))
    return stmt


def wall_query(**filters):
    """Approved stories nobody asked to keep private, newest first, filtered."""
    ids = wall_ids(**filters)
    return (ids.with_only_columns(HeroStory).order_by(HeroStory.approved_at.desc(), HeroStory.id.desc()))


def load_cards(ids: list[int]) -> list[HeroStory]:
    """The stories of a wall page with what their cards show, in a fixed number of statements."""
    if not ids:
        return []
    return list(db.session.scalars(db.select(HeroStory).where(HeroStory.id.in_(ids)).options(
        selectinload(HeroStory.heroes).joinedload(User.team),
        selectinload(HeroStory.values),
        joinedload(HeroStory.nominator),
        joinedload(HeroStory.feedback),
    )))


def wall_count(ids_stmt) -> int:
    return db.session.scalar(db.select(func.count()).select_from(ids_stmt.subquery())) or 0


def stories_about(user: User) -> list[HeroStory]:
    return list(db.session.scalars(
        db.select(HeroStory).join(story_heroes, story_heroes.c.story_id == HeroStory.id)
        .where(story_heroes.c.user_id == user.id, HeroStory.state == "approved")
        .order_by(HeroStory.approved_at.desc())))


def nominations_by(user: User) -> list[HeroStory]:
    return list(db.session.scalars(db.select(HeroStory).where(HeroStory.nominator_id == user.id)
                                   .order_by(HeroStory.created_at.desc()).limit(50)))


# --- Claps ----------------------------------------------------------------------------------

def clap(story: HeroStory, user: User, source: str = "web") -> Clap:
    """One clap per person per story; clapping again returns the existing clap."""
    if source not in CLAP_SOURCES:
        raise StoryError({"source": "Claps come from the web or Slack."})
    if story.state != "approved":
        raise StoryError({"story": "Only approved stories can be applauded."})
    if not can(user, "view_story", story):
        raise StoryError({"story": "You cannot see this story."})
    existing = db.session.scalar(db.select(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id))
    if existing is not None:
        return existing
    new = Clap(story_id=story.id, user_id=user.id, source=source)
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError:  # a double click in two workers: the other one won
        existing = db.session.scalar(db.select(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id))
        return existing
    return new


def unclap(story: HeroStory, user: User) -> bool:
    deleted = db.session.execute(
        db.delete(Clap).where(Clap.story_id == story.id, Clap.user_id == user.id)).rowcount
    return bool(deleted)


def clap_count(story: HeroStory) -> int:
    return db.session.scalar(db.select(func.count(Clap.id)).where(Clap.story_id == story.id)) or 0


def clap_counts(story_ids: list[int]) -> dict[int, int]:
    if not story_ids:
        return {}
    rows = db.session.execute(db.select(Clap.story_id, func.count(Clap.id))
                              .where(Clap.story_id.in_(story_ids)).group_by(Clap.story_id)).all()
    return dict(rows)


def clapped_by(user: User, story_ids: list[int]) -> set[int]:
    if not story_ids or user is None:
        return set()
    return set(db.session.scalars(db.select(Clap.story_id).where(
        Clap.user_id == user.id, Clap.story_id.in_(story_ids))))



# --- Balance and unsung heroes --------------------------------------------------------------

@dataclass
class TeamBalance:
    team: sa.Row  # the team's id and name
    proactive: int
    recovery: int

    @property
    def total(self) -> int:
        return self.proactive + self.recovery

    @property
    def recovery_share(self) -> float:
        return self.recovery / self.total if self.total else 0.0

    @property
    def nudge(self) -> bool:
        """Recoveries are more than half: look for the quiet, proactive delight too."""
        return self.total > 0 and self.recovery * 2 > self.total


def _approved_since(since: datetime, scoped: bool) -> tuple:
    """Approved since `since`, as conditions. `scoped`: the stories are those of a few teams' people
    (a manager's), so the statement must start from the people and their stories (the heroes'
    person index), not from the whole organisation's approved stories of the period (12,000 at
    full size, which SQLite otherwise walks by the (state, approved_at) index: 5 ms instead of
    0.5): the state is written as no index can start from."""
    state = func.coalesce(HeroStory.state, "") if scoped else HeroStory.state
    return state == "approved", HeroStory.approved_at >= since


def _balance_rows(team_ids: list[int], since: datetime, scoped: bool = False) -> list[tuple[int, str, int]]:
    stmt = (db.select(User.team_id, HeroStory.kind, func.count(func.distinct(HeroStory.id)))
            .select_from(HeroStory)
            .join(story_heroes, story_heroes.c.story_id == HeroStory.id)
            .join(User, User.id == story_heroes.c.user_id)
            .where(*_approved_since(since, scoped), User.team_id.in_(team_ids))
            .group_by(User.team_id, HeroStory.kind))
    if scoped:
        stmt = stmt.where(story_heroes.c.user_id.in_(db.select(User.id).where(User.team_id.in_(team_ids))))
    return [tuple(row) for row in db.session.execute(stmt).all()]


def balance(team_ids: list[int], days: int = 90, now: datetime | None = None,
            everyone: bool = False) -> list[TeamBalance]:
    """Approved stories per team and kind over the last `days` (a story counts once per team).

    `everyone`: the teams are the whole organisation (HR), whose counts come from `hr_cached`."""
    since = (now or utcnow()) - timedelta(days=days)
    ids = list(team_ids)
    if not ids:
        return []
    if everyone and now is None:
        rows = hr_cached(("balance", days), lambda: _balance_rows(ids, since))
    else:
        rows = _balance_rows(ids, since, scoped=not everyone)
    counts: dict[int, dict[str, int]] = {}
    for team_id, kind, n in rows:
        counts.setdefault(team_id, {})[kind] = n
    teams = db.session.execute(db.select(Team.id, Team.name).where(Team.id.in_(ids)).order_by(Team.name)).all()
    return [TeamBalance(t, counts.get(t.id, {}).get("proactive", 0), counts.get(t.id, {}).get("recovery", 0))
            for t in teams]


def scope_team_ids(viewer: User) -> list[int]:
    """Teams whose balance and unsung heroes this person sees: all for HR, their own for managers."""
    if is_hr(viewer):
        return list(db.session.scalars(db.select(Team.id)))
    return sorted(viewer.managed_team_ids())


# The most people an HR list of unsung heroes is computed for when a page asks for fewer (the wall
# shows 15, the home page 5): one computation serves both.
SHARED_UNSUNG = 15


@dataclass
class UnsungPraised:
    user: User
    praise_count: int
    last_praised_at: datetime


@dataclass
class UnsungHeroes:
    praised: list[UnsungPraised] = field(default_factory=list)   # praised by customers, never celebrated
    unrecognised: list[User] = field(default_factory=list)       # no approved story in the last 90 days
    # How many there are in all (the lists hold the first `limit` only).
    praised_total: int = 0
    unrecognised_total: int = 0


def _praised_rows(team_ids: list[int], limit: int | None) -> tuple[list[tuple[int, int, datetime]], int]:
    """(person, praise not yet celebrated, last praised) for active people of the teams, most praised
    first, and how many people there are in all.

    Scoped to the teams' people first; a piece of praise counts unless an approved story from that
    feedback already celebrates that very person (an anti-join probing the story indexes)."""
    celebrated = (db.select(HeroStory.id)
                  .join(story_heroes, story_heroes.c.story_id == HeroStory.id)
                  .where(HeroStory.feedback_id == PraiseMatch.feedback_id, HeroStory.state == "approved",
                         story_heroes.c.user_id == PraiseMatch.user_id))
    # Driven by the people (praise_matches by user), not by the positive feedback of the whole history.
    people = db.select(User.id).where(User.team_id.in_(team_ids), User.active.is_(True))
    counted = (db.select(PraiseMatch.user_id.label("user_id"), func.count(PraiseMatch.id).label("n"),
                         func.max(Feedback.received_at).label("last"))
               .join(Feedback, Feedback.id == PraiseMatch.feedback_id)
               .where(PraiseMatch.user_id.in_(people), PraiseMatch.confirmed.is_(True),
                      # Not a condition an index of the feedback could start from (SQLite would walk the
                      # whole history's positive feedback): each match's feedback is checked by its key.
                      func.coalesce(Feedback.positive, False).is_(True), ~celebrated.exists())
               .group_by(PraiseMatch.user_id)).subquery()
    rows = db.session.execute(
        db.select(counted.c.user_id, counted.c.n, counted.c.last, func.count().over())
        .join(User, User.id == counted.c.user_id)
        .order_by(counted.c.n.desc(), User.name, User.id).limit(limit)).all()
    return [(user_id, n, last) for user_id, n, last, _ in rows], (rows[0][3] if rows else 0)


def _unrecognised_rows(team_ids: list[int], viewer_id: int, since: datetime,
                       limit: int | None, scoped: bool = False) -> tuple[list[int], int]:
    recognised = (db.select(story_heroes.c.user_id).join(HeroStory, HeroStory.id == story_heroes.c.story_id)
                  .where(*_approved_since(since, scoped)))
    if scoped:  # a manager's people: their own stories, by the heroes' person index
        recognised = recognised.where(
            story_heroes.c.user_id.in_(db.select(User.id).where(User.team_id.in_(team_ids))))
    rows = db.session.execute(
        db.select(User.id, func.count().over()).where(
            User.team_id.in_(team_ids), User.active.is_(True), User.id != viewer_id,
            User.id.not_in(recognised)).order_by(User.name, User.id).limit(limit)).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def unsung_heroes(viewer: User, days: int = 90, now: datetime | None = None,
                  limit: int | None = None) -> UnsungHeroes:
    """People of the viewer's teams praised by customers but never celebrated for it, and people with
    no approved story in the last `days`; the first `limit` of each (all when None), with totals."""
    team_ids = scope_team_ids(viewer)
    if not team_ids:
        return UnsungHeroes()
    since = (now or utcnow()) - timedelta(days=days)
    hr = is_hr(viewer) and now is None
    # HR's lists are the whole organisation's (about 1 s to count at full size): the wall's 15 and
    # the home page's 5 are one computation, kept once, each taking the first it shows.
    fetch = max(limit, SHARED_UNSUNG) if hr and limit is not None else limit

    viewer_id, scoped = viewer.id, not is_hr(viewer)

    def compute():  # HR's may run in a background thread (hr_cached): plain values only, no viewer
        return (_praised_rows(team_ids, fetch),
                _unrecognised_rows(team_ids, viewer_id, since, fetch, scoped=scoped))

    if hr:
        (praised, praised_total), (unrecognised, unrecognised_total) = hr_cached(
            ("unsung", viewer_id, days, fetch), compute)
        praised, unrecognised = praised[:limit], unrecognised[:limit]
    else:
        (praised, praised_total), (unrecognised, unrecognised_total) = compute()
    wanted = {user_id for user_id, _, _ in praised} | set(unrecognised)
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(wanted)))} if wanted else {}
    return UnsungHeroes(
        praised=[UnsungPraised(people[user_id], n, last) for user_id, n, last in praised if user_id in people],
        unrecognised=[people[user_id] for user_id in unrecognised if user_id in people],
        praised_total=praised_total, unrecognised_total=unrecognised_total)
