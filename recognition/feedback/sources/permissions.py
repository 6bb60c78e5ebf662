"""Who may see the feedback sources' state."""
from flashpoint.permissions import Rules, is_admin

rules = Rules()


@rules.rule("manage_feedback_sources")
def _manage_feedback_sources(user, _obj) -> bool:
    return is_admin(user)
