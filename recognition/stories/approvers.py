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



def pending_for(user: User) -> list[HeroStory]:
    """Stories waiting for this person's decision, oldest first.

    Only managers (of a hero's team or a team above it), HR and admins ever decide, so the stories
    read are those that can concern this person: none for everyone else, those with a hero in a
    managed team's subtree for a manager; the rule above then settles each. The heroes' teams and
    every team's managers are loaded once for all the stories, not per story.
    """
    if user is None:
        return []
    managed = user.managed_team_ids()
    if not managed and user.role not in ("hr", "admin"):
        return []
    stmt = (db.select(HeroStory).where(HeroStory.state == "pending")
            .options(selectinload(HeroStory.heroes).joinedload(User.team), joinedload(HeroStory.nominator))
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
    pending = db.session.scalars(stmt).all()
    if not pending:
        return []
    # Every team with its managers, once (the rule climbs from the heroes' teams to the top). Held
    # until the rule has run: the session keeps loaded objects only while something refers to
    # them, and parent teams no hero belongs to would be read again, one statement each.
    teams = db.session.scalars(db.select(Team).options(selectinload(Team.managers))).all()
    # Who decides when no manager does, read once for all the stories (not once per story).
    fallback = _fallback_people()
    mine = [story for story in pending if user in approvers_for_heroes(list(story.heroes), story.nominator, fallback)]
    del teams
    return mine


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
