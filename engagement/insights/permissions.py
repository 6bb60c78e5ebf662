"""Who may see insights: HR (and admins, who carry HR's rights)."""
from flashpoint.permissions import Rules, is_hr

rules = Rules()


@rules.rule("view_insights")
def _view_insights(user, _obj) -> bool:
    return is_hr(user)
