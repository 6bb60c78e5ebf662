"""The hero wall, nominations, decisions and claps (/heroes), and HR's company values: thin views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashpoint.extensions import db
from flashpoint.people import picker
from flashpoint.permissions import permission_required, require
from recognition.stories import approvals, approvers, pages, values as company_values, wall as stories_wall
from recognition.stories.errors import StoryError
from recognition.stories.forms import ActionForm, DeclineForm, StoryForm, ValueForm
from recognition.stories.models import HeroStory
from recognition.web import back_to, int_arg, refused

stories = Blueprint("stories", __name__, url_prefix="/heroes")

PER_PAGE = 12


def _story_or_404(story_id: int) -> HeroStory:
    story = db.session.get(HeroStory, story_id)
    if story is None:
        abort(404)
    return story


# --- The wall -------------------------------------------------------------------------------

@stories.route("")
@login_required
def wall():
    require("view_heroes")
    filters = {"team": int_arg("team"), "value": int_arg("value"), "kind": request.args.get("kind") or "",
               "period": request.args.get("period") or "", "q": (request.args.get("q") or "").strip()[:100]}
    page = pages.wall_stories(request.args, filters, PER_PAGE)
    return render_template("heroes/wall.html", **pages.wall_page(current_user, page, filters),
                           action_form=ActionForm())


@stories.route("/<int:story_id>")
@login_required
def show(story_id: int):
    story = _story_or_404(story_id)
    require("view_story", story)
    return _render_story(story)


def _render_story(story: HeroStory, decline_form: DeclineForm | None = None, status: int = 200):
    return render_template("heroes/story.html", **pages.story_page(current_user, story),
                           decline_form=decline_form or DeclineForm(), action_form=ActionForm()), status


# --- Nominating -----------------------------------------------------------------------------

def _render_form(form: StoryForm, story: HeroStory | None, feedback, status: int = 200):
    formdata = request.form if request.method == "POST" else None
    return render_template("heroes/form.html", **pages.form_page(current_user, form, story, feedback, formdata)), status


def _apply_errors(form: StoryForm, error: StoryError) -> None:
    for key, message in error.errors.items():
        target = getattr(form, key, None) if key in ("heroes", "text", "kind", "values") else None
        if target is not None:
            target.errors = list(target.errors or []) + [message]
        else:
            flash(message, "error")


def _blank_nomination(form: StoryForm):
    """The form as a link asked for it: from a piece of praise (404 unless readable), with some heroes."""
    feedback = pages.evidence_for(current_user, int_arg("feedback"))
    if int_arg("feedback") and feedback is None:
        abort(404)
    pages.prefill_nomination(form, current_user, feedback, request.args.get("kind"), request.args.getlist("hero"))
    return _render_form(form, None, feedback)


@stories.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("nominate_hero")
    form = StoryForm()
    if request.method == "GET":
        return _blank_nomination(form)
    if picker.finding(request.form):  # the picker's search without script: nothing is saved yet
        return _render_form(form, None, pages.evidence_for(current_user, form.feedback_id.data))
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return _render_form(form, None, None, 400)
    try:
        story = approvals.nominate(current_user, **form.story_fields(), feedback_id=form.feedback_id.data or None)
    except StoryError as exc:
        db.session.rollback()
        _apply_errors(form, exc)
        return _render_form(form, None, pages.evidence_for(current_user, form.feedback_id.data), 400)
    db.session.commit()
    flash(pages.nominated_message(story), "success")
    return redirect(url_for("stories.show", story_id=story.id))


@stories.route("/<int:story_id>/edit", methods=["GET", "POST"])
@login_required
def edit(story_id: int):
    story = _story_or_404(story_id)
    if not story.is_pending:
        flash(f"This story was already {story.state}; it can no longer be edited.", "error")
        return redirect(url_for("stories.show", story_id=story.id))
    require("edit_story", story)
    form = StoryForm(obj=None)
    if request.method == "GET" or picker.finding(request.form):  # a POST by the picker's Find saves nothing
        return _render_form(pages.prefill_edit(form, story) if request.method == "GET" else form, story, story.feedback)
    try:
        if not form.validate_on_submit():
            raise StoryError({"story": "The form expired; please try again."})
        approvals.edit(story, current_user, **form.story_fields())
    except StoryError as exc:
        db.session.rollback()
        _apply_errors(form, exc)
        return _render_form(form, story, story.feedback, 400)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("stories.show", story_id=story.id))


# --- Deciding -------------------------------------------------------------------------------

@stories.route("/<int:story_id>/approve", methods=["POST"])
@login_required
def approve(story_id: int):
    story = _story_or_404(story_id)
    require("view_story", story)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        approvals.approve(story, current_user)
    except StoryError as exc:
        return refused(exc, url_for("stories.show", story_id=story_id))
    db.session.commit()
    flash("Approved. The heroes and the nominator have been told.", "success")
    return redirect(url_for("stories.show", story_id=story.id))


@stories.route("/<int:story_id>/decline", methods=["POST"])
@login_required
def decline(story_id: int):
    story = _story_or_404(story_id)
    require("view_story", story)
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        approvals.decline(story, current_user, form.reason.data)
    except StoryError as exc:
        db.session.rollback()
        story = _story_or_404(story_id)
        if "reason" in exc.errors:
            form.reason.errors = [exc.errors["reason"]]
            return _render_story(story, form, 400)
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("stories.show", story_id=story_id))
    db.session.commit()
    flash("Declined. The nominator has been told why.", "success")
    return redirect(url_for("stories.show", story_id=story.id))


@stories.route("/<int:story_id>/clap", methods=["POST"])
@login_required
def clap(story_id: int):
    """Clap or take one's clap back; answers JSON to the small script, a redirect otherwise."""
    story = _story_or_404(story_id)
    require("clap_story", story)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("undo"):
        stories_wall.unclap(story, current_user)
    else:
        stories_wall.clap(story, current_user, source="web")
    db.session.commit()
    count = stories_wall.clap_count(story)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(count=count, clapped=not request.form.get("undo"))
    return redirect(back_to(url_for("stories.show", story_id=story.id)) + f"#story-{story.id}")


@stories.route("/approvals", endpoint="approvals")
@login_required
def approvals_page():
    """Stories waiting for me, and what became of my own nominations."""
    return render_template("heroes/approvals.html", pending=approvers.pending_for(current_user),
                           mine=stories_wall.nominations_by(current_user))


# --- Company values (HR) --------------------------------------------------------------------

@stories.route("/values", methods=["GET", "POST"])
@permission_required("manage_values")
def values():
    form = ValueForm()
    if request.method == "GET":
        return render_template("heroes/values.html", values=company_values.all_values(), form=ValueForm(formdata=None))
    if not form.validate_on_submit():
        abort(400)
    value_id = request.form.get("value_id", type=int)
    try:
        value = company_values.save_value(value_id, form.name.data, form.description.data, form.active.data)
    except StoryError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return render_template("heroes/values.html", values=company_values.all_values(), form=form), 400
    if value is None:
        abort(404)
    db.session.commit()
    flash(f"“{value.name}” {'saved' if value_id else 'added'}.", "success")
    return redirect(url_for("stories.values"))
