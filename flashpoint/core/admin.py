"""The admin's overview at /admin: how this deployment is set up and what to fix."""
from __future__ import annotations

from flask import Blueprint, render_template

from flashpoint.core import addresses
from flashpoint.extensions import db
from flashpoint.permissions import Rules, is_admin, permission_required
from flashpoint.timeutil import utcnow

overview = Blueprint("admin_overview", __name__)
rules = Rules()


@rules.rule("view_setup")
def _view_setup(user, _obj) -> bool:
    return is_admin(user)


@overview.route("/admin")
@permission_required("view_setup")
def index():
    return render_template("admin/overview.html", **overview_page())


def overview_page() -> dict:
    """The set-up checks, how people sign in, the API tokens' last use (a provisioning token shows
    whether the identity provider still calls) and the latest entries of the audit log."""
    from flashpoint.api.models import ApiToken
    from flashpoint.people.personal_data import recent_events, sign_in_methods

    tokens = db.session.scalars(db.select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.name)).all()
    return dict(checks=addresses.setup_checks(utcnow()), sign_in=sign_in_methods(), tokens=tokens,
                events=recent_events(5))
