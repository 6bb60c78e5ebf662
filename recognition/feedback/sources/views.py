"""`/admin/sources`: each customer feedback source's state, for admins."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from flashpoint.permissions import permission_required
from recognition.feedback.sources import status, sync

sources_admin = Blueprint("sources_admin", __name__, url_prefix="/admin/sources")


@sources_admin.route("")
@permission_required("manage_feedback_sources")
def index():
    shown, idle = status.overview(current_app.config)
    return render_template("feedback/sources.html", sources=shown, idle=idle, every=sync.EVERY)
