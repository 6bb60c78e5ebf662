"""Praise routing: record who a piece of positive feedback names (`matching`), and tell them and
their managers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached

from flashpoint.extensions import db
from flashpoint.outbox.services import NotificationBatch, VariedWordings, record_notification
from flashpoint.people import directory as people_directory
from flashpoint.people.directory import Directory, Person
from flashpoint.people.models import User, team_managers
from flashpoint.timeutil import utcnow
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
               credited: dict[int, tuple[int, str | None]] | None = None,
               keep: bool = True) -> dict[int, list[PraiseMatch]]:
    """`route_feedback` for many items at once, with the same outcome as routing them one by one
    in this order: feedback id → its matches (existing ones when already routed).

    A person the source credits (recognition/feedback/credits.py) is a confirmed match ahead of
    the names in the words: the credit is exact, so it also settles an ambiguous name (no
    candidates to confirm), while other people the customer named in full still get their praise.

    A batch costs a constant number of statements, whatever its size or the organisation's: the
    people directory's version (names, and teams' managers, come from the process's directory), one
    query for the items already routed, one for the credits, one insert of the matches, then the
    outbox's batch (wording counts, duplicate keys, one insert). `notify`
    may be a predicate deciding per item. `credited` (feedback id → (person id, source)), when the
    caller knows it, spares the look-up. `keep=False` (the intake, which has no use for them): the
    new matches are written but not returned, saving the statement that reads their ids back.
    """
    positive = [f for f in feedbacks if f.positive]
    if not positive:
        return {}
    if db.session.autoflush or any(f.id is None for f in positive):
        # As the ORM queries of people this replaced did: the matches are written by id, and
        # people and managers added in this transaction count.
        db.session.flush()
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
    for feedback, _found in found_for:
        routed[feedback.id] = []
    credits = credits_of([feedback.id for feedback, _ in found_for]) if credited is None else credited
    plans = []
    for feedback, found in found_for:
        given = credits.get(feedback.id)
        heroes = [(given[0], credited_by(given[1]))] if given else []
        heroes += [(m.user_id, m.matched_on) for m in found.confirmed if not given or m.user_id != given[0]]
        # A credit is exact: it settles who an ambiguous name meant, so nobody is left to confirm.
        candidates = [] if given else [(m.user_id, m.matched_on) for m in found.candidates]
        if heroes or candidates:
            plans.append((feedback, heroes, candidates))
    if not plans:
        return routed
    now = utcnow()
    rows = [dict(feedback_id=feedback.id, user_id=user_id, confirmed=confirmed, candidate=not confirmed,
                 matched_on=on[:200], confirmed_by_id=None, created_at=now)
            for feedback, heroes, candidates in plans
            for confirmed, named in ((True, heroes), (False, candidates)) for user_id, on in named]
    # One executemany without RETURNING: SQLite can only return ids in the rows' order one
    # statement per row, so the ids are read back afterwards, by the matches' unique key.
    db.session.execute(_INSERT_MATCHES, rows)
    if keep:
        ids = _match_ids([feedback.id for feedback, _, _ in plans])
        matches = iter(_stored(PraiseMatch, ids[(values["feedback_id"], values["user_id"])], values)
                       for values in rows)
    # The people credited or named are active (credits go to active people only): all in the directory.
    people = {person.id: person for person in directory.people_by_id(
        [user_id for _, heroes, candidates in plans for user_id, _ in (*heroes, *candidates)])}
    to_tell: list[tuple[Feedback, list[Person], list[Person]]] = []
    for feedback, heroes, candidates in plans:
        if keep:
            routed[feedback.id] = [next(matches) for _ in range(len(heroes) + len(candidates))]
        if notify(feedback) if callable(notify) else notify:
            to_tell.append((feedback, [people[user_id] for user_id, _ in heroes],
                            [people[user_id] for user_id, _ in candidates]))
    if to_tell:
        _notify_all(to_tell, directory)
    return routed


_matches = PraiseMatch.__table__
_INSERT_MATCHES = _matches.insert()
_MATCH_IDS = sa.select(_matches.c.id, _matches.c.feedback_id, _matches.c.user_id).where(
    _matches.c.feedback_id.in_(sa.bindparam("feedback_ids", expanding=True)))


def _match_ids(feedback_ids: list[int]) -> dict[tuple[int, int], int]:
    """(feedback id, user id) → match id, for the matches of these items."""
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(feedback_ids), _ID_CHUNK):
        for match_id, feedback_id, user_id in db.session.execute(
                _MATCH_IDS, {"feedback_ids": feedback_ids[start:start + _ID_CHUNK]}):
            found[(feedback_id, user_id)] = match_id
    return found


def _stored(model, new_id: int, values: dict):
    row = model(id=new_id, **values)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


# The managers of every team, who are told of praise for their people: read once per version of
# the people directory (migration 1090 moves it when a team's managers change; a person's name or
# active flag moved it already). Ordered as `Team.managers` is.
_users = User.__table__
_ALL_MANAGERS = (
    sa.select(team_managers.c.team_id, _users.c.id, _users.c.name)
    .join(_users, _users.c.id == team_managers.c.user_id)
    .where(_users.c.active.is_(True))
    .order_by(team_managers.c.team_id, _users.c.name, _users.c.id))


@dataclass(frozen=True)
class _Recipient:
    """Someone told of praise: a person named or one of their managers (as `User` offers them)."""
    id: int
    name: str


def _team_managers(directory: Directory) -> dict[int, list[_Recipient]]:
    """Active managers of every team: team id → managers, kept with the directory."""
    def build() -> dict[int, list[_Recipient]]:
        found: dict[int, list[_Recipient]] = {}
        for team_id, user_id, name in db.session.execute(_ALL_MANAGERS):
            found.setdefault(team_id, []).append(_Recipient(user_id, name))
        return found
    return directory.memo("praise.managers", build)


def _notify_all(to_tell: list[tuple[Feedback, list[Person], list[Person]]], directory: Directory) -> None:
    """Tell the people found and their managers, item after item, as routing one by one would."""
    managers_of = _team_managers(directory)

    def managers_for(people: list[Person]) -> dict[int, _Recipient]:
        # As `User.managers()`: the managers of their team, else of the nearest team above that has some.
        found: dict[int, _Recipient] = {}
        for person in people:
            team_id = person.team_id
            while team_id is not None:
                mine = [m for m in managers_of.get(team_id, ()) if m.id != person.id]
                if mine:
                    for manager in mine:
                        found.setdefault(manager.id, manager)
                    break
                team_id = directory.parent(team_id)
        return found

    plans = [(feedback, heroes, managers_for([*heroes, *candidates]), candidates)
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


def _alert(feedback: Feedback, heroes: list, candidates: list, managers: dict[int, _Recipient],
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
    route_many(items, check_existing=False, credited=credited, keep=False)
