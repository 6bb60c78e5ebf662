"""Who may decide on a hero story (docs/interface.md, "Approvers"): the one rule the services, the
permission rules and ideas' default owners all read."""
from __future__ import annotations

from typing import Iterable

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from recognition.stories.models import HeroStory


def _unique(items):
    seen, out = set(), []
    for item in items:
        if item is not None and item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


def approvers_for_teams(teams: Iterable[Team | None], excluded: set[int]) -> list[User]:
    """Active managers of `teams` not in `excluded` (user ids), else of their parent teams, level by
    level, else HR, else admins; sorted by name, so the first is the one asked."""
    level, seen = _unique(teams), set()
    while level:
        seen.update(team.id for team in level)
        found = [m for team in level for m in team.managers if m.active and m.id not in excluded]
        if found:
            return sorted(_unique(found), key=lambda u: (u.name, u.id))
        # A parent already climbed through (a loop in the tree) is not climbed again.
        level = [team for team in _unique(team.parent for team in level) if team.id not in seen]
    for role in ("hr", "admin"):
        people = db.session.scalars(db.select(User).where(
            User.role == role, User.active.is_(True)).order_by(User.name, User.id)).all()
        people = [p for p in people if p.id not in excluded]
        if people:
            return people
    return []


def approvers_for_heroes(heroes: list[User], nominator: User | None) -> list[User]:
    """A manager of a hero's team who is not a hero, else a manager of the parent team, else HR.

    The nominator never decides their own nomination: they are passed over like a hero.
    """
    excluded = {h.id for h in heroes} | ({nominator.id} if nominator is not None else set())
    return approvers_for_teams((h.team for h in heroes), excluded)


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
    """Stories waiting for this person's decision, oldest first."""
    pending = db.session.scalars(db.select(HeroStory).where(HeroStory.state == "pending")
                                 .order_by(HeroStory.created_at, HeroStory.id)).all()
    return [story for story in pending if user in approvers_for(story)]
