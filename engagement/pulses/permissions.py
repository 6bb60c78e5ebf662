"""Who may see pulse results, schedule pulses, edit the question bank and reply to comments."""
from flashpoint.permissions import Rules, is_hr, is_manager, manages_team

rules = Rules()


@rules.rule("view_pulse_results")
def _view_pulse_results(user, _obj) -> bool:
    return is_hr(user) or is_manager(user)


@rules.rule("view_team_pulse")
def _view_team_pulse(user, team) -> bool:
    """HR sees every team; a manager sees the teams they manage and their sub-teams."""
    if is_hr(user):
        return True
    return team is not None and manages_team(user, team.id)


@rules.rule("view_organisation_pulse")
def _view_organisation_pulse(user, _obj) -> bool:
    return is_hr(user)


@rules.rule("manage_pulse_schedules")
def _manage_pulse_schedules(user, _obj) -> bool:
    return is_hr(user)


@rules.rule("manage_pulse_items")
def _manage_pulse_items(user, _obj) -> bool:
    return is_hr(user)


@rules.rule("reply_pulse_comment")
def _reply_pulse_comment(user, comment) -> bool:
    if comment is None:
        return False
    return is_hr(user) or manages_team(user, comment.cycle.team_id)
