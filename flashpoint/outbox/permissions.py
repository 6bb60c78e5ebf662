"""Who may read the outbox and send a notification again."""
from flashpoint.permissions import Rules, is_admin

rules = Rules()


@rules.rule("view_outbox")
def _view_outbox(user, _obj) -> bool:
    return is_admin(user)
