"""Who may sign in, see the people directory, and manage people and teams."""
from flashpoint.permissions import Rules, is_admin, is_hr, is_manager, manages_team

rules = Rules()


@rules.rule("sign_in")
def _sign_in(user, _obj) -> bool:
    return True


@rules.rule("manage_people")
def _manage_people(user, _obj) -> bool:
    return is_admin(user)


@rules.rule("view_people_directory")
def _view_people_directory(user, _obj) -> bool:
    """Managers and HR see who has signed in; admins manage."""
    return is_admin(user) or is_hr(user) or is_manager(user)


@rules.rule("view_whole_directory")
def _view_whole_directory(user, _obj) -> bool:
    """Admins and HR see everyone; a manager sees the people of the teams they manage."""
    return is_admin(user) or is_hr(user)


@rules.rule("manage_teams")
def _manage_teams(user, _obj) -> bool:
    """Add teams and change their structure, managers and metrics: admins and HR (the people team)."""
    return is_admin(user) or is_hr(user)


@rules.rule("manage_team")
def _manage_team(user, team) -> bool:
    """Edit a team's settings or print its poster: admins, HR, and the team's managers."""
    if is_admin(user) or is_hr(user):
        return True
    return team is not None and manages_team(user, team.id)


@rules.rule("view_audit_log")
def _view_audit_log(user, _obj) -> bool:
    """Admins read what was done with people's data (exports, erasures)."""
    return is_admin(user)
