"""Praise routing: record who a piece of positive feedback names (`matching`), and tell them and
their managers."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import joinedload, selectinload

from flashpoint.extensions import db
from flashpoint.outbox.services import NotificationBatch, VariedWordings, record_notification
from flashpoint.people import directory as people_directory
from flashpoint.people.models import Team, User
from recognition.feedback.credits import credited_by, credits_of
from recognition.feedback.models import Feedback
from recognition.praise.matching import MatchResult, find_named_people, suggested_kind
from recognition.praise.models import PraiseMatch
from recognition.redaction import redact_contacts


def route_feedback(feedback: Feedback, notify: bool = True, check_existing: bool = True) -> list[PraiseMatch]:
    """Match and route one piece of feedback; idempotent (a second run adds nothing).

    Only positive feedback is routed. Notifications carry the customer's words with contact
    details redacted (docs/interface.md, "Quoting customers"); they are recorded, not sent. `notify=False`
    only records the matches (old feedback loaded in bulk: nobody wants a year of it at once).
    """
    return route_many([feedback], notify=notify, check_existing=check_existing).get(feedback.id, [])


# Ids per IN (...) query (SQLite caps bound parameters per statement).
_ID_CHUNK = 900


def route_many(feedbacks, notify: bool | Callable[[Feedback], bool] = True, check_existing: bool = True,
               credited: dict[int, tuple[int, str | None]] | None = None) -> dict[int, list[PraiseMatch]]:
    """`route_feedback` for many items at once, with the same outcome as routing them one by one
    in this order: feedback id → its matches (existing ones when already routed).

    A person the source credits (recognition/feedback/credits.py) is a confirmed match ahead of
    the names in the words: the credit is exact, so it also settles an ambiguous name (no
    candidates to confirm), while other people the customer named in full still get their praise.

    A batch costs a constant number of statements, whatever its size or the organisation's: the
    people directory's version (names come from the process's directory), one query for the items
    already routed, one for the credits, one for the people named with their teams and managers,
    then the outbox's batch (wording counts, duplicate keys). `notify` may be a predicate deciding per item.
    `credited` (feedback id → (person id, source)), when the caller knows it, spares the look-up.
    """
    positive = [f for f in feedbacks if f.positive]
    if not positive:
        return {}
    routed: dict[int, list[PraiseMatch]] = {}
    if check_existing:
        ids = [f.id for f in positive]
        for start in range(0, len(ids), _ID_CHUNK):
            for match in db.session.scalars(db.select(PraiseMatch).where(
                    PraiseMatch.feedback_id.in_(ids[start:start + _ID_CHUNK])).order_by(PraiseMatch.id)):
                routed.setdefault(match.feedback_id, []).append(match)
    directory = people_directory.current()
    found_for: list[tuple[Feedback, MatchResult]] = [
        (feedback, find_named_people(feedback.team_id, feedback.comment, feedback.helper_name, directory=directory))
        for feedback in positive if not routed.get(feedback.id)]
    credits = credits_of([feedback.id for feedback, _ in found_for]) if credited is None else credited
    people = _people([user_id for _, found in found_for for user_id in found.user_ids()]
                     + [credits[feedback.id][0] for feedback, _ in found_for if feedback.id in credits])
    to_tell: list[tuple[Feedback, list[User], list[User]]] = []
    # Matching only read people; flushing the new matches before each look-up would cost a
    # flush per item for nothing.
    with db.session.no_autoflush:
        for feedback, found in found_for:
            given = credits.get(feedback.id)
            heroes = [(given[0], credited_by(given[1]))] if given else []
            heroes += [(m.user_id, m.matched_on) for m in found.confirmed if not given or m.user_id != given[0]]
            # A credit is exact: it settles who an ambiguous name meant, so nobody is left to confirm.
            candidates = [] if given else [(m.user_id, m.matched_on) for m in found.candidates]
            matches = [PraiseMatch(feedback=feedback, user=people[user_id], confirmed=True, candidate=False,
                                   matched_on=on[:200]) for user_id, on in heroes]
            matches += [PraiseMatch(feedback=feedback, user=people[user_id], confirmed=False, candidate=True,
                                    matched_on=on[:200]) for user_id, on in candidates]
            db.session.add_all(matches)
            routed[feedback.id] = matches
            if matches and (notify(feedback) if callable(notify) else notify):
                to_tell.append((feedback, [people[user_id] for user_id, _ in heroes],
                                [people[user_id] for user_id, _ in candidates]))
    if to_tell:
        _notify_all(to_tell)
    return routed


def _people(user_ids: list[int]) -> dict[int, User]:
    """The people named, loaded at once with their team and its managers (who are told)."""
    wanted = sorted(set(user_ids))
    found: dict[int, User] = {}
    for start in range(0, len(wanted), _ID_CHUNK):
        found.update((u.id, u) for u in db.session.scalars(
            db.select(User).where(User.id.in_(wanted[start:start + _ID_CHUNK]))
            .options(joinedload(User.team).selectinload(Team.managers))))
    return found


def _notify_all(to_tell: list[tuple[Feedback, list[User], list[User]]]) -> None:
    """Tell the people found and their managers, item after item, as routing one by one would."""
    plans = [(feedback, heroes, _managers_of([*heroes, *candidates]), candidates)
             for feedback, heroes, candidates in to_tell]
    wordings = VariedWordings([CUSTOMER_SAID, MANAGER_ALERT],
                              [p for _, heroes, managers, _ in plans for p in (*heroes, *managers.values())])
    # One look-up of every duplicate key of the batch; the keys hold the feedback id, so they
    # cannot repeat within it.
    batch = NotificationBatch(
        [_said_key(feedback, person) for feedback, heroes, _, _ in plans for person in heroes]
        + [_alert_key(feedback, manager) for feedback, _, managers, _ in plans for manager in managers.values()])
    for feedback, heroes, managers, candidates in plans:
        for person in heroes:
            tell_person(feedback, person, wordings, batch)
        _alert(feedback, heroes, candidates, managers, wordings, batch)
    batch.flush()


CUSTOMER_SAID = "praise.customer_said"
MANAGER_ALERT = "praise.manager_alert"


def customer_words(feedback: Feedback) -> str:
    """The words the named person and their manager read: verbatim, contact details redacted."""
    parts = [feedback.comment or ""]
    return redact_contacts("\n".join(p for p in parts if p.strip()))


def _said_key(feedback: Feedback, person: User) -> str:
    return f"praise.customer_said:{feedback.id}:{person.id}"


def _alert_key(feedback: Feedback, manager: User) -> str:
    return f"praise.manager_alert:{feedback.id}:{manager.id}"


def tell_person(feedback: Feedback, person: User, wordings: VariedWordings | None = None,
                batch: NotificationBatch | None = None) -> None:
    """Tell a person a customer named them; `wordings` and `batch` carry a batch's wording counts
    and duplicate keys."""
    wordings = wordings or VariedWordings([CUSTOMER_SAID], [person])
    record = batch.record if batch is not None else record_notification
    words = customer_words(feedback)
    text = wordings.pick(CUSTOMER_SAID, person, [
        "A customer of {team} mentioned you by name. Here is what they said.",
        "Good news: a customer named you in their feedback for {team}.",
        "You made someone's day at {team}: they said so in their feedback.",
    ], team=feedback.team.name)
    note = record(
        CUSTOMER_SAID, "A customer said something about you", text,
        recipient=person, link="/praise/me", quote=words or None, dedupe_key=_said_key(feedback, person),
        extra={"feedback_id": feedback.id},
    )
    wordings.recorded(CUSTOMER_SAID, person, note)


def _managers_of(people: list[User]) -> dict[int, User]:
    managers: dict[int, User] = {}
    for person in people:
        for manager in person.managers():
            managers.setdefault(manager.id, manager)
    return managers


def _alert(feedback: Feedback, heroes: list[User], candidates: list[User], managers: dict[int, User],
           wordings: VariedWordings, batch: NotificationBatch) -> None:
    if not managers:
        return
    kind = suggested_kind(feedback.comment)
    words = customer_words(feedback)
    names = ", ".join(p.name for p in heroes)
    for manager in managers.values():
        if heroes:
            text = wordings.pick(MANAGER_ALERT, manager, [
                "A customer of {team} praised {names}. Celebrate it as a hero story?",
                "{names} got a customer's praise at {team}: worth a hero story?",
                "Customer praise for {names} ({team}). Two clicks turn it into a hero story.",
            ], team=feedback.team.name, names=names)
        else:
            text = (f"A customer of {feedback.team.name} praised someone whose name several people share: "
                    "confirm who they meant in your praise inbox.")
        note = batch.record(
            MANAGER_ALERT, "Customer praise for your team", text,
            recipient=manager, link=f"/praise#feedback-{feedback.id}", quote=words or None,
            dedupe_key=_alert_key(feedback, manager),
            extra={"feedback_id": feedback.id, "hero_ids": [p.id for p in heroes],
                   "candidate_ids": [p.id for p in candidates], "suggested_kind": kind},
        )
        wordings.recorded(MANAGER_ALERT, manager, note)


def route_existing(limit: int | None = None, notify_since=None) -> int:
    """Route positive feedback not yet looked at (e.g. demo or imported before routing existed).

    With `notify_since`, only feedback received since then records notifications.
    """
    stmt = (db.select(Feedback).where(Feedback.positive.is_(True))
            .where(~db.select(PraiseMatch.id).where(PraiseMatch.feedback_id == Feedback.id).exists())
            .order_by(Feedback.received_at, Feedback.id))
    if limit:
        stmt = stmt.limit(limit)
    items = db.session.scalars(stmt).all()
    routed = route_many(items, notify=lambda f: notify_since is None or f.received_at >= notify_since,
                        check_existing=False)
    return sum(1 for matches in routed.values() if matches)


def on_feedback_received(_sender, items: list[Feedback], credited=None, **_kwargs) -> None:
    """Signal receiver: runs inside the intake's transaction, never commits. Items are announced
    once, just stored: none can have matches yet, so none are looked for; the announcer says whom
    a source credits (`credited`, None: look it up)."""
    route_many(items, check_existing=False, credited=credited)
