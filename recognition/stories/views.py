"""The hero wall, nominations and decisions (/heroes), and the praise inbox (/praise): thin views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.permissions import can, permission_required, require
from recognition.feedback.models import Feedback
from recognition.stories import services
from recognition.stories.forms import ActionForm, ConfirmCandidateForm, DeclineForm, StoryForm, ValueForm
from recognition.stories.models import KIND_LABELS, CompanyValue, HeroStory, PraiseDismissal
from recognition.stories.services import StoryError

stories = Blueprint("stories", __name__, url_prefix="/heroes")
praise = Blueprint("praise", __name__, url_prefix="/praise")

PER_PAGE = 12


def _story_or_404(story_id: int) -> HeroStory:
    story = db.session.get(HeroStory, story_id)
    if story is None:
        abort(404)
    return story


def _int_arg(name: str) -> int | None:
    try:
        value = int(request.args.get(name) or 0) or None
    except ValueError:
        return None
    # No row has an id beyond a 64-bit integer; the database would refuse to compare with one.
    return value if value is None or 0 < value < 2**63 else None


def _back(default: str) -> str:
    """A same-site path to return to after a small action (never an outside address)."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


# --- The wall -------------------------------------------------------------------------------

@stories.route("")
@login_required
def wall():
    require("view_heroes")
    team_id, value_id = _int_arg("team"), _int_arg("value")
    kind = request.args.get("kind") or ""
    period = request.args.get("period") or ""
    search = (request.args.get("q") or "").strip()[:100]
    stmt = services.wall_query(team_id=team_id, value_id=value_id, kind=kind, period=period, search=search)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    ids = [s.id for s in page.items]
    insights = None
    if can(current_user, "view_story_insights"):
        team_ids = services.scope_team_ids(current_user)
        balances = [b for b in services.balance(team_ids) if b.total or len(team_ids) <= 12]
        insights = {"balances": balances, "unsung": services.unsung_heroes(current_user)}
    return render_template(
        "heroes/wall.html", page=page, counts=services.clap_counts(ids),
        clapped=services.clapped_by(current_user, ids), quotes={s.id: services.public_quote(s) for s in page.items},
        teams=db.session.scalars(db.select(Team).order_by(Team.name)).all(), values=services.all_values(),
        kinds=KIND_LABELS, periods={"30d": "Last 30 days", "90d": "Last 90 days", "365d": "Last 12 months"},
        filters={"team": team_id, "value": value_id, "kind": kind, "period": period, "q": search},
        insights=insights, pending=services.pending_for(current_user), action_form=ActionForm(),
    )


@stories.route("/<int:story_id>")
@login_required
def show(story_id: int):
    story = _story_or_404(story_id)
    require("view_story", story)
    return _render_story(story)


def _render_story(story: HeroStory, decline_form: DeclineForm | None = None, status: int = 200):
    evidence = None
    if story.feedback is not None:
        if can(current_user, "read_story_evidence", story):
            evidence = {"words": services.hero_quote(story), "verbatim": True}
        else:
            evidence = {"words": services.public_quote(story), "verbatim": False}
    return render_template(
        "heroes/story.html", story=story, evidence=evidence, claps=services.clap_count(story),
        clapped=bool(services.clapped_by(current_user, [story.id])), approver=services.approver_for(story),
        decline_form=decline_form or DeclineForm(), action_form=ActionForm(),
    ), status


# --- Nominating -----------------------------------------------------------------------------

def _people_choices() -> list[User]:
    return list(db.session.scalars(
        db.select(User).where(User.active.is_(True), User.id != current_user.id).order_by(User.name)))


def _fill_choices(form: StoryForm, people: list[User]) -> list[CompanyValue]:
    values = services.active_values()
    form.heroes.choices = [(p.id, p.name) for p in people]
    form.values.choices = [(v.id, v.name) for v in values]
    return values


def _render_form(form: StoryForm, story: HeroStory | None, feedback: Feedback | None, status: int = 200):
    people = _people_choices()
    if story is not None and story.nominator is not None:
        people = [p for p in people if p.id != story.nominator.id] + (
            [current_user] if current_user.id != story.nominator.id else [])
    values = _fill_choices(form, people)
    # The people already chosen (e.g. named by the customer) come first, then everyone by team.
    chosen = set(form.heroes.data or [])
    teams: dict[str, list[User]] = {}
    if chosen:
        teams["Chosen"] = [p for p in people if p.id in chosen]
    for person in sorted(people, key=lambda p: ((p.team.name if p.team else "~"), p.name)):
        if person.id not in chosen:
            teams.setdefault(person.team.name if person.team else "No team", []).append(person)
    evidence = None
    if feedback is not None:
        evidence = {"feedback": feedback, "words": services.redact_contacts(feedback.comment)}
    return render_template("heroes/form.html", form=form, story=story, teams=teams, values=values,
                           selected=set(form.heroes.data or []), evidence=evidence,
                           kinds=KIND_LABELS), status


def _refused(error: StoryError, back_to: str):
    """The rules said no: undo what this request changed, say why, and go back."""
    db.session.rollback()
    flash(" ".join(error.errors.values()), "error")
    return redirect(back_to)


def _apply_errors(form: StoryForm, error: StoryError) -> None:
    for key, message in error.errors.items():
        target = getattr(form, key, None) if key in ("heroes", "text", "kind", "values") else None
        if target is not None:
            target.errors = list(target.errors or []) + [message]
        else:
            flash(message, "error")


@stories.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("nominate_hero")
    form = StoryForm()
    services.ensure_default_values()
    feedback = None
    if request.method == "GET":
        feedback_id = _int_arg("feedback")
        if feedback_id:
            feedback = db.session.get(Feedback, feedback_id)
            if feedback is None or not can(current_user, "view_praise", feedback):
                abort(404)
            form.feedback_id.data = str(feedback.id)
            form.kind.data = request.args.get("kind") or services.suggested_kind(feedback.comment)
        heroes = [int(h) for h in request.args.getlist("hero") if h.isdigit() and int(h) != current_user.id]
        form.heroes.data = heroes
        if form.kind.data not in KIND_LABELS:
            form.kind.data = "proactive"
        return _render_form(form, None, feedback)
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return _render_form(form, None, None, 400)
    feedback_id = form.feedback_id.data or None
    if feedback_id:
        feedback = db.session.get(Feedback, int(feedback_id)) if str(feedback_id).isdigit() else None
    try:
        story = services.nominate(current_user, form.heroes.data, form.text.data, form.kind.data,
                                  form.values.data, feedback_id=feedback_id)
    except StoryError as exc:
        db.session.rollback()
        _apply_errors(form, exc)
        if feedback is not None and not can(current_user, "view_praise", feedback):
            feedback = None
        return _render_form(form, None, feedback, 400)
    db.session.commit()
    if story.state == "approved" and story.is_private:
        flash("Approved: they are your people. Recognised privately, as the hero wishes.", "success")
    elif story.state == "approved":
        flash("Approved and celebrated: they are your people, so it went straight to the wall.", "success")
    elif story.approver is not None:
        flash(f"Thank you! {story.approver.name} will approve it; you will hear when they do.", "success")
    else:
        flash("Thank you! It waits for an approver.", "success")
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
    if request.method == "GET":
        form.heroes.data = [h.id for h in story.heroes]
        form.text.data = story.text
        form.kind.data = story.kind
        form.values.data = [v.id for v in story.values]
        return _render_form(form, story, story.feedback)
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return _render_form(form, story, story.feedback, 400)
    try:
        services.edit(story, current_user, text=form.text.data, kind=form.kind.data,
                      value_ids=form.values.data, hero_ids=form.heroes.data)
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
        services.approve(story, current_user)
    except StoryError as exc:
        return _refused(exc, url_for("stories.show", story_id=story_id))
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
        services.decline(story, current_user, form.reason.data)
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
        services.unclap(story, current_user)
    else:
        services.clap(story, current_user, source="web")
    db.session.commit()
    count = services.clap_count(story)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(count=count, clapped=not request.form.get("undo"))
    return redirect(_back(url_for("stories.show", story_id=story.id)) + f"#story-{story.id}")


@stories.route("/approvals")
@login_required
def approvals():
    """Stories waiting for me, and what became of my own nominations."""
    return render_template("heroes/approvals.html", pending=services.pending_for(current_user),
                           mine=services.nominations_by(current_user))


# --- Company values (HR) --------------------------------------------------------------------

@stories.route("/values", methods=["GET", "POST"])
@permission_required("manage_values")
def values():
    form = ValueForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        value_id = request.form.get("value_id", type=int)
        try:
            if value_id:
                value = db.session.get(CompanyValue, value_id) or abort(404)
                services.update_value(value, form.name.data, form.description.data, form.active.data)
                message = f"“{value.name}” saved."
            else:
                value = services.add_value(form.name.data, form.description.data)
                message = f"“{value.name}” added."
        except StoryError as exc:
            db.session.rollback()
            flash(" ".join(exc.errors.values()), "error")
            return render_template("heroes/values.html", values=services.all_values(), form=form), 400
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("stories.values"))
    items = services.all_values()
    db.session.commit()  # the defaults, when the list was empty
    return render_template("heroes/values.html", values=items, form=ValueForm(formdata=None))


# --- Praise inbox and praise about me -------------------------------------------------------

@praise.route("")
@permission_required("view_praise_inbox")
def inbox():
    show = request.args.get("show") or ""
    show_dismissed = show == "dismissed"
    stmt = services.praise_query(current_user, include_dismissed=show_dismissed, named_only=not show)
    if show_dismissed:
        stmt = stmt.where(Feedback.id.in_(db.select(PraiseDismissal.feedback_id).where(
            PraiseDismissal.user_id == current_user.id)))
    page = db.paginate(stmt, per_page=20, error_out=False)
    items = services.praise_items(page.items, current_user)
    return render_template("praise/inbox.html", page=page, items=items, show=show, show_dismissed=show_dismissed,
                           action_form=ActionForm(), confirm_form=ConfirmCandidateForm())


def _triage(feedback_id: int, do, message: str, undo: bool = False):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(feedback_id, current_user)
    except StoryError as exc:
        return _refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash(message, "success" if not undo else "info")
    return redirect(_back(url_for("praise.inbox")))


@praise.route("/<int:feedback_id>/dismiss", methods=["POST"])
@permission_required("view_praise_inbox")
def dismiss(feedback_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.dismiss_praise(feedback_id, current_user)
    except StoryError as exc:
        return _refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash("Dismissed.", "success")
    # The undo travels with the flash: a small form right at the top of the inbox.
    return redirect(url_for("praise.inbox", undo=feedback_id))


@praise.route("/<int:feedback_id>/undismiss", methods=["POST"])
@permission_required("view_praise_inbox")
def undismiss(feedback_id: int):
    return _triage(feedback_id, services.undismiss_praise, "Back in your inbox.")


@praise.route("/<int:feedback_id>/confirm", methods=["POST"])
@permission_required("view_praise_inbox")
def confirm(feedback_id: int):
    form = ConfirmCandidateForm()
    if not form.validate_on_submit() or not form.user_id.data:
        abort(400)
    try:
        match = services.confirm_candidate(feedback_id, form.user_id.data, current_user)
    except StoryError as exc:
        return _refused(exc, url_for("praise.inbox"))
    db.session.commit()
    flash(f"Confirmed: {match.user.name}. They have been told what the customer said.", "success")
    return redirect(url_for("praise.inbox") + f"#feedback-{feedback_id}")


@praise.route("/me")
@login_required
def about_me():
    require("view_praise_about_me")
    return render_template("praise/me.html", items=services.praise_about(current_user),
                           stories=services.stories_about(current_user))
