"""The praise inbox (/praise) and the praise about me (/praise/me): thin views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashpoint.extensions import db
from flashpoint.permissions import permission_required, require
from recognition.praise import inbox as praise_inbox
from recognition.stories.errors import StoryError
from recognition.stories.forms import ActionForm, ConfirmCandidateForm
from recognition.stories.wall import stories_about
from recognition.web import back_to, refused

praise = Blueprint("praise", __name__, url_prefix="/praise")

PER_PAGE = 20


@praise.route("")
@permission_required("view_praise_inbox")
def inbox():
    show = request.args.get("show") or ""
    page, items = praise_inbox.inbox_page(current_user, show, request.args, PER_PAGE)
    return render_template("praise/inbox.html", page=page, items=items, show=show, show_dismissed=show == "dismissed",
                           action_form=ActionForm(), confirm_form=ConfirmCandidateForm())


def _triage(feedback_id: int, do, message: str, undo: bool = False):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(feedback_id, current_user)
    except StoryError as exc:
        return refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash(message, "success" if not undo else "info")
    return redirect(back_to(url_for("praise.inbox")))


@praise.route("/<int:feedback_id>/dismiss", methods=["POST"])
@permission_required("view_praise_inbox")
def dismiss(feedback_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        praise_inbox.dismiss_praise(feedback_id, current_user)
    except StoryError as exc:
        return refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash("Dismissed.", "success")
    # The undo travels with the flash: a small form right at the top of the inbox.
    return redirect(url_for("praise.inbox", undo=feedback_id))


@praise.route("/<int:feedback_id>/undismiss", methods=["POST"])
@permission_required("view_praise_inbox")
def undismiss(feedback_id: int):
    return _triage(feedback_id, praise_inbox.undismiss_praise, "Back in your inbox.")


@praise.route("/<int:feedback_id>/confirm", methods=["POST"])
@permission_required("view_praise_inbox")
def confirm(feedback_id: int):
    form = ConfirmCandidateForm()
    if not form.validate_on_submit() or not form.user_id.data:
        abort(400)
    try:
        match = praise_inbox.confirm_candidate(feedback_id, form.user_id.data, current_user)
    except StoryError as exc:
        return refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash(f"Confirmed: {match.user.name}. They have been told what the customer said.", "success")
    return redirect(url_for("praise.inbox") + f"#feedback-{feedback_id}")


@praise.route("/me")
@login_required
def about_me():
    require("view_praise_about_me")
    return render_template("praise/me.html", items=praise_inbox.praise_about(current_user),
                           stories=stories_about(current_user))
