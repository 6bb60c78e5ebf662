"""Who may see notifications, sign-in status, and hand out one-time sign-in links."""
from flashpoint.permissions import is_admin, is_hr, is_manager, manages_person, rule


@rule("view_notifications")
def _view_notifications(user, _obj) -> bool:
    return True


@rule("view_sign_in_status")
def _view_sign_in_status(user, person) -> bool:
    """Managers see their own people; HR and admins see everyone."""
    if is_admin(user) or is_hr(user):
        return True
    if person is None:
        return is_manager(user)
    return manages_person(user, person)


@rule("view_all_sign_in_status")
def _view_all_sign_in_status(user, _obj) -> bool:
    return is_admin(user) or is_hr(user)


@rule("invite_people")
def _invite_people(user, _obj) -> bool:
    return is_admin(user)


@rule("preview_email")
def _preview_email(user, _obj) -> bool:
    return is_admin(user)
