"""Who may see insights: HR (and admins, who carry HR's rights)."""
from flashpoint.permissions import is_hr, rule


@rule("view_insights")
def _view_insights(user, _obj) -> bool:
    return is_hr(user)
