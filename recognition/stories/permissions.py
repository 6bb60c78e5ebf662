"""Who may see, nominate, decide and clap hero stories, and who keeps the company values."""
from __future__ import annotations

from flashpoint.permissions import Rules, is_hr, is_manager, manages_person
from recognition.stories.approvers import approvers_for, may_decide, may_edit

rules = Rules()


@rules.rule("nominate_hero")
def _nominate(user, _obj) -> bool:
    return True


@rules.rule("view_heroes")
def _view_heroes(user, _obj) -> bool:
    return True


@rules.rule("view_story_insights")
def _view_story_insights(user, _obj) -> bool:
    """The proactive/recovery balance and unsung heroes."""
    return is_manager(user) or is_hr(user)


@rules.rule("manage_values")
def _manage_values(user, _obj) -> bool:
    return is_hr(user)


def _close_to(user, story) -> bool:
    """The heroes, their managers, the nominator and the decider."""
    if story.nominator_id == user.id or story.decided_by_id == user.id:
        return True
    return any(hero.id == user.id or manages_person(user, hero) for hero in story.heroes)


@rules.rule("view_story")
def _view_story(user, story) -> bool:
    if story is None:
        return False
    if story.state == "approved":
        return not story.is_private or _close_to(user, story)
    # Pending or declined: the nominator, who may decide, who decided; HR (not for private heroes).
    if story.nominator_id == user.id or story.decided_by_id == user.id or user in approvers_for(story):
        return True
    return is_hr(user) and not story.is_private


@rules.rule("approve_story")
def _approve_story(user, story) -> bool:
    return story is not None and may_decide(story, user)


@rules.rule("edit_story")
def _edit_story(user, story) -> bool:
    return story is not None and may_edit(story, user)


@rules.rule("clap_story")
def _clap_story(user, story) -> bool:
    return story is not None and story.state == "approved" and _view_story(user, story)


@rules.rule("read_story_evidence")
def _read_story_evidence(user, story) -> bool:
    """The customer's words verbatim (contacts redacted): heroes, their managers, HR."""
    if story is None or story.feedback is None:
        return False
    return is_hr(user) or any(hero.id == user.id or manages_person(user, hero) for hero in story.heroes)
