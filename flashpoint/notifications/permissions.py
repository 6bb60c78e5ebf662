"""Who may see notifications, sign-in status, and hand out one-time sign-in links."""
from flashpoint.permissions import Rules, is_admin, is_hr, is_manager, manages_person

rules = Rules()


@rules.rule("view_notifications")
def _view_notifications(user, _obj) -> bool:
    return True


@rules.rule("view_sign_in_status")
def _view_sign_in_status(user, person) -> bool:
    """Managers see their own people; HR and admins see everyone."""
    if is_admin(user) or is_hr(user):
        return True
    if person is None:
        return is_manager(user)
    return manages_person(user, person)


@rules.rule("view_all_sign_in_status")
def _view_all_sign_in_status(user, _obj) -> bool:
    return is_admin(user) or is_hr(user)


@rules.rule("invite_people")
def _invite_people(user, _obj) -> bool:
    return is_admin(user)


@rules.rule("preview_email")
def _preview_email(user, _obj) -> bool:
    return is_admin(user)
