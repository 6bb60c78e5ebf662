"""Who may manage API tokens."""
from flashpoint.permissions import Rules, is_admin

rules = Rules()


@rules.rule("manage_api_tokens")
def _manage_api_tokens(user, _obj) -> bool:
    return is_admin(user)
