"""Who may read, import and export customer feedback."""
from flashpoint.permissions import Rules, is_hr, is_manager, manages_team

rules = Rules()


@rules.rule("view_feedback")
def _view_feedback(user, team) -> bool:
    """HR and admins see all feedback; managers see their own teams' (sub-teams included)."""
    if is_hr(user):
        return True
    if team is None:
        return is_manager(user)
    return manages_team(user, team.id)


@rules.rule("import_feedback")
def _import_feedback(user, _obj) -> bool:
    return is_hr(user)
