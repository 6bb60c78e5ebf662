"""The idea board, submitting, one idea (votes, comments, the owner's status form), "You said, we
did", the similar-ideas lookup and the CSV export."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from engagement.ideas import comments, exports, followers, owners, submission, votes, workflow
from engagement.ideas.errors import IdeaError
from engagement.ideas.board import SORTS, BoardFilters, all_tags, board_page, similar_ideas, vote_counts
from engagement.ideas.forms import ButtonForm, CommentForm, IdeaForm, ReassignForm, StatusForm
from engagement.ideas.impact import METRIC_LABELS, idea_impact, impacts_of
from engagement.ideas.models import KINDS, STATUS_WORDS, STATUSES, Idea
from flashpoint.core.languages import translated
from flashpoint.extensions import db
from flashpoint.pagination import keyset_page
from flashpoint.people import picker
from flashpoint.people.models import Team, User
from flashpoint.permissions import can, permission_required, require

ideas = Blueprint("ideas", __name__, url_prefix="/ideas")
PER_PAGE = 20


def _team_choices() -> list[tuple[str, str]]:
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    return [(t.slug, t.name) for t in teams]


def _idea_or_404(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        abort(404)
    require("view_ideas", idea)
    return idea


@ideas.route("")
@permission_required("view_ideas")
def board():
    filters = BoardFilters.from_args(request.args, current_user)
    page = board_page(filters, current_user, request.args, PER_PAGE)
    votes = vote_counts(page.items)
    rows = [(idea, votes[idea.id]) for idea in page.items]
    return render_template("ideas/board.html", page=page, rows=rows, filters=filters, teams=_team_choices(),
                           kinds=KINDS, statuses=STATUSES, sorts=SORTS, tags=all_tags())


@ideas.route("/export.csv")
@permission_required("export_ideas")
def export():
    """The board as filtered, as CSV. An anonymous proposer is "anonymous" here as everywhere."""
    text = exports.board_csv(BoardFilters.from_args(request.args, current_user), current_user)
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=ideas.csv"})


@ideas.route("/new", methods=["GET", "POST"])
@translated
@permission_required("submit_idea")
def new():
    form = _idea_form()
    if form.validate_on_submit():
        try:
            idea = submission.submit_idea(current_user, title=form.title.data, description=form.description.data,
                                          kind=form.kind.data, team=_team_by_slug(form.team.data),
                                          tags=form.tags.data, anonymous=form.anonymous.data)
        except IdeaError as exc:
            db.session.rollback()
            getattr(form, exc.field or "title").errors.append(str(exc))
        else:
            db.session.commit()
            flash(gettext("Thank you: your idea is on the board. You will hear about every change.")
                  + (" " + gettext("Your name is not shown to anyone.") if idea.anonymous else ""), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    return render_template("ideas/new.html", form=form), 200 if request.method == "GET" or not form.errors else 400


def _idea_form() -> IdeaForm:
    """The new-idea form; on GET prefilled with the title typed in /idea or the board. The team is
    never chosen in advance: an anonymous idea left on the proposer's own team would tell which
    team's page shows it first, and so where its author works."""
    form = IdeaForm()
    form.team.choices = [("", gettext("Choose a team…"))] + _team_choices()
    if request.method == "GET":
        form.title.data = (request.args.get("title") or "")[:150]
    return form


def _team_by_slug(slug: str | None) -> Team | None:
    return db.session.scalar(db.select(Team).where(Team.slug == slug))


@ideas.route("/similar")
@translated
@permission_required("view_ideas")
def similar():
    """Ideas like the title being typed (JSON for static/js/ideas.js): vote instead of repeating."""
    q = request.args.get("q", "")
    exclude = request.args.get("exclude", type=int)
    rows = similar_ideas(q, exclude_id=exclude)
    return jsonify(ideas=[{
        "id": idea.id, "title": idea.title, "status": idea.status, "kind": idea.kind, "votes": votes,
        "team": idea.team.name, "url": url_for("ideas.show", idea_id=idea.id), "score": round(score, 3),
        "status_label": gettext(STATUS_WORDS[idea.status]), "votes_label": ngettext("%(num)s vote", "%(num)s votes", votes),
    } for idea, votes, score in rows])


@ideas.route("/done")
@permission_required("view_ideas")
def done():
    # The page's teams, proposers, implementers and histories in a few statements, not per idea.
    stmt = (db.select(Idea).where(Idea.status == "implemented")
            .options(selectinload(Idea.team), selectinload(Idea.submitter), selectinload(Idea.implementers),
                     selectinload(Idea.events))
            .order_by(Idea.implemented_at.desc(), Idea.id.desc()))
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else ""
    if kind:
        stmt = stmt.where(Idea.kind == kind)
    page = keyset_page(stmt, time_col=Idea.implemented_at, id_col=Idea.id, args=request.args, per_page=PER_PAGE)
    impacts = impacts_of(page.items)
    return render_template("ideas/done.html", page=page, kind=kind, impacts=impacts)


@ideas.route("/<int:idea_id>")
def show(idea_id: int):
    if not current_user.is_authenticated:
        from flashpoint.extensions import login_manager

        return login_manager.unauthorized()
    idea = _idea_or_404(idea_id)
    status_form = _status_form(idea) if can(current_user, "change_idea_status", idea) else None
    reassign_form = _reassign_form(idea) if can(current_user, "reassign_idea", idea) else None
    return _render_idea(idea, status_form=status_form, reassign_form=reassign_form)


def _render_idea(idea: Idea, *, status_form=None, reassign_form=None, comment_form=None, code: int = 200):
    metric = request.args.get("metric")
    if metric not in idea.team.metrics:
        metric = None
    impact = idea_impact(idea, metric) if idea.status == "implemented" else None
    implementers = None
    if status_form is not None:  # only the people chosen, and a search (never everyone)
        implementers = picker.build(current_user, "implementers", status_form.implementers.data,
                                    formdata=request.form if request.method == "POST" else None)
    return render_template(
        "ideas/show.html", idea=idea, votes=votes.vote_count(idea), implementers_picker=implementers,
        voted=votes.has_voted(idea, current_user), following=followers.is_following(idea, current_user),
        comment_form=comment_form or CommentForm(), button=ButtonForm(), status_form=status_form,
        reassign_form=reassign_form, impact=impact, metric_labels=METRIC_LABELS,
        is_mine=idea.submitter_id == current_user.id,
        duplicates=db.session.scalars(db.select(Idea).where(Idea.duplicate_of_id == idea.id)
                                      .order_by(Idea.id)).all(),
    ), code


def _status_form(idea: Idea, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata) if formdata is not None else StatusForm()
    if formdata is None:
        form.status.data = idea.status
        form.implementers.data = [p.id for p in idea.implementers]
    return form


def _reassign_form(idea: Idea) -> ReassignForm:
    form = ReassignForm()
    form.owner.choices = [(p.id, f"{p.name} ({p.team.name if p.team else p.role_enum.label})")
                          for p in owners.owner_candidates()]
    if request.method == "GET":
        form.owner.data = idea.owner_id
    return form


def _back(idea: Idea):
    return redirect(url_for("ideas.show", idea_id=idea.id))


def _button_ok() -> bool:
    if not ButtonForm().validate_on_submit():
        abort(400)
    return True


def _simple_action(idea_id: int, permission: str, action, success: str):
    idea = _idea_or_404(idea_id)
    _button_ok()
    if not can(current_user, permission, idea):
        flash("That is not possible on this idea." if idea.status != "duplicate"
              else f"This idea is a duplicate: vote for #{idea.duplicate_of_id} instead.", "error")
        return _back(idea)
    try:
        action(idea, current_user)
    except IdeaError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return _back(idea)


@ideas.route("/<int:idea_id>/vote", methods=["POST"])
@login_required
def vote(idea_id: int):
    return _simple_action(idea_id, "vote_idea", votes.vote, "Your vote is counted.")


@ideas.route("/<int:idea_id>/unvote", methods=["POST"])
@login_required
def unvote(idea_id: int):
    return _simple_action(idea_id, "view_ideas", votes.unvote, "Your vote is withdrawn.")


@ideas.route("/<int:idea_id>/follow", methods=["POST"])
@login_required
def follow(idea_id: int):
    return _simple_action(idea_id, "view_ideas", followers.follow, "You will hear about every change.")


@ideas.route("/<int:idea_id>/unfollow", methods=["POST"])
@login_required
def unfollow(idea_id: int):
    return _simple_action(idea_id, "view_ideas", followers.unfollow, "You no longer follow this idea.")


@ideas.route("/<int:idea_id>/comments", methods=["POST"])
@login_required
def comment(idea_id: int):
    idea = _idea_or_404(idea_id)
    require("comment_idea", idea)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comments.add_comment(idea, current_user, form.body.data)
        except IdeaError as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Your comment is posted.", "success")
            return _back(idea)
    return _render_idea(idea, comment_form=form, code=400,
                        status_form=_status_form(idea) if can(current_user, "change_idea_status", idea) else None,
                        reassign_form=_reassign_form(idea) if can(current_user, "reassign_idea", idea) else None)


@ideas.route("/<int:idea_id>/status", methods=["POST"])
@login_required
def change_status(idea_id: int):
    idea = _idea_or_404(idea_id)
    require("change_idea_status", idea)
    form = _status_form(idea, formdata=request.form)
    if picker.finding(request.form):  # the picker's search without script: nothing is changed yet
        return _status_refused(idea_id, form, code=200)
    if form.validate_on_submit():
        try:
            workflow.change_status_by_ids(idea, current_user, form.status.data, form.message.data,
                                          duplicate_id=form.duplicate_of.data,
                                          implementer_ids=form.implementers.data,
                                          implemented_on=form.implemented_on.data)
        except IdeaError as exc:
            db.session.rollback()
            getattr(form, exc.field or "status").errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"The idea is now \u201c{idea.status}\u201d; everyone behind it will hear.", "success")
            return _back(idea)
    return _status_refused(idea_id, form)


def _status_refused(idea_id: int, form: StatusForm, code: int = 400):
    """The idea page again, unchanged, with the status form as posted (and its errors)."""
    db.session.rollback()
    idea = db.session.get(Idea, idea_id)
    return _render_idea(idea, status_form=form, code=code,
                        reassign_form=_reassign_form(idea) if can(current_user, "reassign_idea", idea) else None)


@ideas.route("/<int:idea_id>/owner", methods=["POST"])
@login_required
def reassign(idea_id: int):
    idea = _idea_or_404(idea_id)
    require("reassign_idea", idea)
    form = _reassign_form(idea)
    if form.validate_on_submit():
        try:
            owners.reassign(idea, current_user, db.session.get(User, form.owner.data))
        except IdeaError as exc:
            db.session.rollback()
            form.owner.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{idea.owner.name} now owns this idea.", "success")
            return _back(idea)
    return _render_idea(idea, reassign_form=form, code=400,
                        status_form=_status_form(idea) if can(current_user, "change_idea_status", idea) else None)

