"""Who may decide on a hero story (docs/interface.md, "Approvers"): the one rule the services, the
permission rules and ideas' default owners all read."""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from flashpoint.extensions import db
from flashpoint.people.models import Team, User, team_managers
from recognition.stories.models import HeroStory, story_heroes


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item is not None and item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def _fallback_people() -> dict[str, list[User]]:
    """Active HR people, then admins, each sorted by name: who decides when no manager does."""
    people: dict[str, list[User]] = {"hr": [], "admin": []}
    for person in db.session.scalars(db.select(User).where(
            User.role.in_(tuple(people)), User.active.is_(True)).order_by(User.name, User.id)):
        people[person.role].append(person)
    return people


def _managers_deciding(teams: Iterable[Team | None], excluded: set[int]) -> list[User]:
    """Active managers of `teams` not in `excluded`, else of their parent teams, level by level."""
    level, seen = _unique(teams), set()
    while level:
        seen.update(team.id for team in level)
        found = [m for team in level for m in team.managers if m.active and m.id not in excluded]
        if found:
            return sorted(_unique(found), key=lambda u: (u.name, u.id))
        # A parent already climbed through (a loop in the tree) is not climbed again.
        level = [team for team in _unique(team.parent for team in level) if team.id not in seen]
    return []


def approvers_for_teams(teams: Iterable[Team | None], excluded: set[int],
                        fallback: dict[str, list[User]] | None = None) -> list[User]:
    """Active managers of `teams` not in `excluded` (user ids), else of their parent teams, level by
    level, else HR, else admins; sorted by name, so the first is the one asked.

    `fallback` is `_fallback_people()` read once by a caller deciding for many stories.
    """
    managers = _managers_deciding(teams, excluded)
    if managers:
        return managers
    for people in (fallback if fallback is not None else _fallback_people()).values():
        people = [p for p in people if p.id not in excluded]
        if people:
            return people
    return []


def _excluded(heroes: list[User], nominator: User | None) -> set[int]:
    return {h.id for h in heroes} | ({nominator.id} if nominator is not None else set())


def approvers_for_heroes(heroes: list[User], nominator: User | None,
                         fallback: dict[str, list[User]] | None = None) -> list[User]:
    """A manager of a hero's team who is not a hero, else a manager of the parent team, else HR.

    The nominator never decides their own nomination: they are passed over like a hero.
    """
    return approvers_for_teams((h.team for h in heroes), _excluded(heroes, nominator), fallback)


def approvers_for(story: HeroStory) -> list[User]:
    return approvers_for_heroes(list(story.heroes), story.nominator)


def approver_for(story: HeroStory) -> User | None:
    """The person asked to decide: the stored one while still allowed, else the first allowed."""
    allowed = approvers_for(story)
    if story.approver is not None and story.approver in allowed:
        return story.approver
    return allowed[0] if allowed else None


def may_decide(story: HeroStory, user: User) -> bool:
    return story.is_pending and user is not None and user.active and user in approvers_for(story)


def may_edit(story: HeroStory, user: User) -> bool:
    return story.is_pending and user is not None and (
        may_decide(story, user) or (story.nominator_id is not None and story.nominator_id == user.id))



def _deciding_managers() -> tuple[dict[int, int | None], dict[int, tuple[tuple[str, int], ...]]]:
    """The team tree (team → parent) and each team's active managers as (name, id), kept per process on the people directory: its
    version moves whenever a team's managers change, a person is renamed or (de)activated, or a
    team is added, removed or moved (flashpoint/people/directory.py)."""
    from flashpoint.people import directory

    def build():
        found: dict[int, list[tuple[str, int]]] = {}
        for team_id, user_id, name in db.session.execute(
                sa.select(team_managers.c.team_id, User.id, User.name)
                .join(User, User.id == team_managers.c.user_id).where(User.active.is_(True))):
            found.setdefault(team_id, []).append((name, user_id))
        return {team_id: tuple(people) for team_id, people in found.items()}

    current = directory.current()
    return current.parent_of, current.memo("approvers.deciding_managers", build)


def _approver_ids(team_ids: Iterable[int | None], excluded: set[int], parent_of: dict[int, int | None],
                  managers_of: dict[int, tuple[tuple[str, int], ...]], fallback: list[list[int]]) -> list[int]:
    """`approvers_for_teams` on ids: the same rule, read from the per-process team tree and managers."""
    level, seen = list(dict.fromkeys(t for t in team_ids if t is not None)), set()
    while level:
        seen.update(level)
        found = {(name, user_id) for team_id in level for name, user_id in managers_of.get(team_id, ())
                 if user_id not in excluded}
        if found:
            return [user_id for _, user_id in sorted(found)]
        # A parent already climbed through (a loop in the tree) is not climbed again.
        level = [t for t in dict.fromkeys(parent_of.get(team_id) for team_id in level)
                 if t is not None and t not in seen]
    for people in fallback:
        people = [user_id for user_id in people if user_id not in excluded]
        if people:
            return people
    return []


def pending_ids_for(user: User) -> list[int]:
    """The ids of the stories waiting for this person's decision, oldest first.

    Only managers (of a hero's team or a team above it), HR and admins ever decide, so the stories
    read are those that can concern this person: none for everyone else, those with a hero in a
    managed team's subtree for a manager; the rule above then settles each, on ids: the stories'
    heroes and teams as columns, the team tree and each team's active managers kept per process
    (`_deciding_managers`), who decides when no manager does read once for all the stories.
    """
    if user is None:
        return []
    managed = user.managed_team_ids()
    if not managed and user.role not in ("hr", "admin"):
        return []
    stmt = (db.select(HeroStory.id, HeroStory.nominator_id).where(HeroStory.state == "pending")
            .order_by(HeroStory.created_at, HeroStory.id))
    if user.role not in ("hr", "admin"):
        stmt = stmt.where(HeroStory.id.in_(
            db.select(story_heroes.c.story_id).join(User, User.id == story_heroes.c.user_id)
            .where(User.team_id.in_(managed))))
    elif not managed:
        # HR or an admin who manages no team decides only where no manager does: a story with an
        # active manager of a hero's own team who is neither a hero nor the nominator is a
        # manager's, so it is not read at all (at a large company, nearly every pending story).
        stmt = stmt.where(~_a_hero_team_manager_decides())
    pending = db.session.execute(stmt).all()
    if not pending:
        return []
    heroes: dict[int, list[tuple[int, int | None]]] = {}
    for story_id, hero_id, team_id in db.session.execute(
            db.select(story_heroes.c.story_id, User.id, User.team_id)
            .join(User, User.id == story_heroes.c.user_id)
            .where(story_heroes.c.story_id.in_([story_id for story_id, _ in pending]))):
        heroes.setdefault(story_id, []).append((hero_id, team_id))
    parent_of, managers_of = _deciding_managers()
    fallback = [[person.id for person in people] for people in _fallback_ids().values()]
    mine = []
    for story_id, nominator_id in pending:
        story_heroes_ = heroes.get(story_id, [])
        excluded = {hero_id for hero_id, _ in story_heroes_} | ({nominator_id} if nominator_id is not None else set())
        if user.id in _approver_ids((team_id for _, team_id in story_heroes_), excluded, parent_of, managers_of,
                                    fallback):
            mine.append(story_id)
    return mine


def _fallback_ids() -> dict[str, list]:
    """`_fallback_people()` as (id,) rows: active HR people, then admins, each sorted by name."""
    people: dict[str, list] = {"hr": [], "admin": []}
    for row in db.session.execute(db.select(User.id, User.role).where(
            User.role.in_(tuple(people)), User.active.is_(True)).order_by(User.name, User.id)):
        people[row.role].append(row)
    return people


def pending_for(user: User) -> list[HeroStory]:
    """Stories waiting for this person's decision, oldest first, with their heroes, the heroes'
    teams and the nominator (`pending_ids_for`, then the stories)."""
    ids = pending_ids_for(user)
    if not ids:
        return []
    found = {story.id: story for story in db.session.scalars(
        db.select(HeroStory).where(HeroStory.id.in_(ids))
        .options(selectinload(HeroStory.heroes).joinedload(User.team), joinedload(HeroStory.nominator)))}
    return [found[story_id] for story_id in ids if story_id in found]


def _a_hero_team_manager_decides():
    """SQL: the story has an active manager of one of its heroes' own teams who is neither one of
    its heroes nor its nominator (the first level of `approvers_for_teams`)."""
    hero, manager = aliased(User), aliased(User)
    heroes_of_story = db.select(story_heroes.c.user_id).where(story_heroes.c.story_id == HeroStory.id)
    return (db.select(sa.literal(1))
            .select_from(story_heroes)
            .join(hero, hero.id == story_heroes.c.user_id)
            .join(team_managers, team_managers.c.team_id == hero.team_id)
            .join(manager, manager.id == team_managers.c.user_id)
            .where(story_heroes.c.story_id == HeroStory.id, manager.active.is_(True),
                   manager.id.not_in(heroes_of_story),
                   sa.or_(HeroStory.nominator_id.is_(None), manager.id != HeroStory.nominator_id))
            .correlate(HeroStory).exists())
