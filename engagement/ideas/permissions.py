"""Who may see, submit, vote on and move ideas: the owner (or HR) decides an idea's status."""
from __future__ import annotations

from flashpoint.permissions import Rules, is_hr, is_manager

rules = Rules()


@rules.rule("view_ideas")
def _view_ideas(user, _idea) -> bool:
    return True


@rules.rule("submit_idea")
def _submit_idea(user, _obj) -> bool:
    return True


@rules.rule("vote_idea")
def _vote_idea(user, idea) -> bool:
    # A duplicate's votes live on the idea it duplicates.
    return idea is None or idea.status != "duplicate"


@rules.rule("comment_idea")
def _comment_idea(user, idea) -> bool:
    return True


@rules.rule("change_idea_status")
def _change_idea_status(user, idea) -> bool:
    """The idea's owner, or HR (and admins), whatever the owner's team."""
    if is_hr(user):
        return True
    return idea is not None and idea.owner_id is not None and idea.owner_id == user.id


@rules.rule("reassign_idea")
def _reassign_idea(user, idea) -> bool:
    return _change_idea_status(user, idea)


@rules.rule("own_ideas")
def _own_ideas(user, _obj) -> bool:
    """Who can be made an idea's owner: managers and HR (they help implement)."""
    return is_manager(user) or is_hr(user)


@rules.rule("export_ideas")
def _export_ideas(user, _obj) -> bool:
    return True
