"""The praise inbox: positive feedback for a manager's teams (or about me), with who it names, and
a manager's triage (confirm who was meant, dismiss, undo)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from flashpoint.extensions import db
from flashpoint.people.models import User
from flashpoint.permissions import can, is_hr
from recognition.feedback.models import Feedback
from recognition.hr_cache import hr_cached
from recognition.praise.matching import suggested_kind
from flashpoint.pagination import KeysetPage, keyset_page
from recognition.praise.routing import tell_person
from recognition.redaction import redact_contacts
from recognition.stories.errors import StoryError
from recognition.praise.models import PraiseDismissal, PraiseMatch
from recognition.stories.models import HeroStory


@dataclass
class PraiseItem:
    feedback: Feedback
    named: list[User] = field(default_factory=list)
    candidates: list[PraiseMatch] = field(default_factory=list)
    words: str = ""
    suggested_kind: str = "proactive"
    dismissed: bool = False
    stories: list[HeroStory] = field(default_factory=list)

    @property
    def celebrated(self) -> bool:
        return any(s.state == "approved" for s in self.stories)


def _praise_items(feedbacks: list[Feedback], viewer: User | None = None) -> list[PraiseItem]:
    ids = [f.id for f in feedbacks]
    matches: dict[int, list[PraiseMatch]] = {}
    stories: dict[int, list[HeroStory]] = {}
    dismissed: set[int] = set()
    if ids:
        for match in db.session.scalars(db.select(PraiseMatch).where(PraiseMatch.feedback_id.in_(ids))
                                        .options(joinedload(PraiseMatch.user).joinedload(User.team))
                                        .order_by(PraiseMatch.id)):
            matches.setdefault(match.feedback_id, []).append(match)
        for story in db.session.scalars(db.select(HeroStory).where(HeroStory.feedback_id.in_(ids))):
            stories.setdefault(story.feedback_id, []).append(story)
        if viewer is not None:
            dismissed = set(db.session.scalars(db.select(PraiseDismissal.feedback_id).where(
                PraiseDismissal.user_id == viewer.id, PraiseDismissal.feedback_id.in_(ids))))
    items = []
    for feedback in feedbacks:
        found = matches.get(feedback.id, [])
        items.append(PraiseItem(
            feedback=feedback,
            named=[m.user for m in found if m.confirmed],
            candidates=[m for m in found if m.candidate and not m.confirmed],
            words=redact_contacts(feedback.comment),
            suggested_kind=suggested_kind(feedback.comment),
            dismissed=feedback.id in dismissed,
            stories=stories.get(feedback.id, []),
        ))
    return items


def praise_query(user: User, include_dismissed: bool = False, named_only: bool = True):
    """Positive feedback for the teams this person manages (sub-teams included); HR sees all.

    By default only feedback that names someone (confirmed or a candidate); `named_only=False`
    adds the praise that names nobody.
    """
    stmt = db.select(Feedback).where(Feedback.positive.is_(True))
    if named_only:
        stmt = stmt.where(db.select(PraiseMatch.id).where(PraiseMatch.feedback_id == Feedback.id).exists())
    if not is_hr(user):
        stmt = stmt.where(Feedback.team_id.in_(user.managed_team_ids() or {-1}))
    if not include_dismissed:
        stmt = stmt.where(Feedback.id.not_in(
            db.select(PraiseDismissal.feedback_id).where(PraiseDismissal.user_id == user.id)))
    return stmt.order_by(Feedback.received_at.desc(), Feedback.id.desc())


def inbox_query(user: User, show: str = ""):
    """The inbox as the page shows it: named praise (""), all praise ("all"), or only what this
    person dismissed ("dismissed")."""
    show_dismissed = show == "dismissed"
    stmt = praise_query(user, include_dismissed=show_dismissed, named_only=not show)
    if show_dismissed:
        stmt = stmt.where(Feedback.id.in_(db.select(PraiseDismissal.feedback_id).where(
            PraiseDismissal.user_id == user.id)))
    return stmt


def _load_feedback(ids: list[int]) -> list[Feedback]:
    return list(db.session.scalars(db.select(Feedback).where(Feedback.id.in_(ids))
                                   .options(joinedload(Feedback.team))))


def _inbox_count(user: User, show: str, ids_stmt) -> int:
    """How many items the inbox holds. HR's named praise is counted from the praise matches (far fewer
    rows than the positive feedback) and kept a short while per process (`hr_cached`)."""
    if is_hr(user) and not show:
        dismissed = db.select(PraiseDismissal.feedback_id).where(PraiseDismissal.user_id == user.id)
        named = (db.select(func.count(func.distinct(PraiseMatch.feedback_id)))
                 .join(Feedback, Feedback.id == PraiseMatch.feedback_id)
                 .where(Feedback.positive.is_(True), PraiseMatch.feedback_id.not_in(dismissed)))
        return hr_cached(("praise_named", user.id), lambda: db.session.scalar(named) or 0)
    return db.session.scalar(db.select(func.count()).select_from(ids_stmt.subquery())) or 0


def inbox_page(user: User, show: str, args, per_page: int) -> tuple[KeysetPage, list[PraiseItem]]:
    """The page of the inbox the query string asks for (keyset cursors, or a page number), its items."""
    ids = inbox_query(user, show).with_only_columns(Feedback.id).order_by(None)
    page = keyset_page(ids, load=_load_feedback, time_col=Feedback.received_at, id_col=Feedback.id, args=args,
                       per_page=per_page, total=lambda: _inbox_count(user, show, ids))
    return page, _praise_items(page.items, user)


def praise_for_manager(user: User, include_dismissed: bool = False, limit: int = 200,
                       named_only: bool = True) -> list[PraiseItem]:
    feedbacks = db.session.scalars(praise_query(user, include_dismissed, named_only).limit(limit)).all()
    return _praise_items(list(feedbacks), user)


def waiting_praise(manager: User, since, limit: int = 3) -> tuple[int, list[PraiseItem]]:
    """Praise since `since` for the teams this person manages that names someone, has no story
    (pending or celebrated) and was not set aside: how many, and the newest `limit`."""
    team_ids = manager.managed_team_ids()
    if not team_ids:
        return 0, []
    named = db.select(PraiseMatch.id).where(PraiseMatch.feedback_id == Feedback.id)
    storied = db.select(HeroStory.id).where(HeroStory.feedback_id == Feedback.id, HeroStory.state != "declined")
    dismissed = db.select(PraiseDismissal.id).where(PraiseDismissal.feedback_id == Feedback.id,
                                                    PraiseDismissal.user_id == manager.id)
    waiting = (db.select(Feedback.id)
               .where(Feedback.positive.is_(True), Feedback.team_id.in_(sorted(team_ids)),
                      Feedback.received_at >= since, named.exists(), ~storied.exists(), ~dismissed.exists()))
    count = db.session.scalar(db.select(func.count()).select_from(waiting.subquery())) or 0
    if not count:
        return 0, []
    newest = db.session.scalars(waiting.order_by(Feedback.received_at.desc(), Feedback.id.desc()).limit(limit)).all()
    by_id = {f.id: f for f in _load_feedback(list(newest))}
    return count, _praise_items([by_id[i] for i in newest], manager)


def praise_items(feedbacks: list[Feedback], viewer: User | None = None) -> list[PraiseItem]:
    return _praise_items(list(feedbacks), viewer)


def praise_about(user: User, *, since: datetime | None = None, limit: int | None = None) -> list[PraiseItem]:
    """Positive feedback that names this person (confirmed), newest first; only what was received
    from `since` on, and at most `limit` items, when given (panels show a few, not years of it)."""
    stmt = (db.select(Feedback).join(PraiseMatch, PraiseMatch.feedback_id == Feedback.id)
            .where(PraiseMatch.user_id == user.id, PraiseMatch.confirmed.is_(True), Feedback.positive.is_(True))
            .order_by(Feedback.received_at.desc(), Feedback.id.desc()))
    if since is not None:
        stmt = stmt.where(Feedback.received_at >= since)
    if limit is not None:
        stmt = stmt.limit(limit)
    return _praise_items(list(db.session.scalars(stmt)))


def _feedback_for(manager: User, feedback_id) -> Feedback:
    try:
        feedback = db.session.get(Feedback, int(feedback_id))
    except (TypeError, ValueError):
        feedback = None
    if feedback is None or not feedback.positive or not can(manager, "triage_praise", feedback):
        raise StoryError({"feedback": "That feedback is not in your praise inbox."})
    return feedback


def dismiss_praise(feedback_id: int, manager: User) -> PraiseDismissal:
    feedback = _feedback_for(manager, feedback_id)
    existing = db.session.scalar(db.select(PraiseDismissal).where(
        PraiseDismissal.feedback_id == feedback.id, PraiseDismissal.user_id == manager.id))
    if existing is not None:
        return existing
    dismissal = PraiseDismissal(feedback_id=feedback.id, user_id=manager.id)
    db.session.add(dismissal)
    db.session.flush()
    return dismissal


def undismiss_praise(feedback_id: int, manager: User) -> bool:
    feedback = _feedback_for(manager, feedback_id)
    return bool(db.session.execute(db.delete(PraiseDismissal).where(
        PraiseDismissal.feedback_id == feedback.id, PraiseDismissal.user_id == manager.id)).rowcount)


def confirm_candidate(feedback_id: int, user_id: int, manager: User) -> PraiseMatch:
    """A manager says which of the people sharing a name the customer meant; that person is told."""
    feedback = _feedback_for(manager, feedback_id)
    match = db.session.scalar(db.select(PraiseMatch).where(
        PraiseMatch.feedback_id == feedback.id, PraiseMatch.user_id == int(user_id)))
    if match is None:
        raise StoryError({"heroes": "That person is not among the candidates of this feedback."})
    if match.confirmed:
        return match
    match.confirmed, match.candidate, match.confirmed_by_id = True, False, manager.id
    # The other candidates for the same name were not meant.
    for other in db.session.scalars(db.select(PraiseMatch).where(
            PraiseMatch.feedback_id == feedback.id, PraiseMatch.candidate.is_(True),
            PraiseMatch.matched_on == match.matched_on, PraiseMatch.id != match.id)):
        db.session.delete(other)
    tell_person(feedback, match.user)
    db.session.flush()
    return match
