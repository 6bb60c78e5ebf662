"""The admin's overview at /admin: how this deployment is set up and what to fix."""
from __future__ import annotations

from flask import Blueprint, render_template

from flashpoint.core import addresses
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
    return render_template("admin/overview.html", checks=addresses.setup_checks(utcnow()))
