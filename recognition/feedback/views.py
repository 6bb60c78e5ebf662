"""Pages: the public form `/f/<slug>`, team pages with the QR poster, HR's feedback list, import and export."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   stream_with_context, url_for)
from flask_babel import gettext
from flask_login import current_user, login_required

from flashpoint.core import addresses
from flashpoint.core.languages import translated
from flashpoint.extensions import csrf, db, limiter
from flashpoint.people.models import METRICS, Team
from flashpoint.permissions import can, is_hr, permission_required, require
from flashpoint.timeutil import utcnow
from recognition.feedback import exports, imports, intake, listing, poster
from recognition.feedback.forms import CSAT_WORDS, ImportFeedbackForm, PublicFeedbackForm
from recognition.feedback.models import CHANNELS, Feedback
from recognition.feedback.validation import FeedbackInvalid
from recognition.sentiment import SCORE_RANGES

public = Blueprint("feedback_public", __name__)
feedback = Blueprint("feedback", __name__, url_prefix="/feedback")
team_pages = Blueprint("team_pages", __name__, url_prefix="/teams")

FORM_RATE_LIMIT = "10 per minute"
PER_PAGE = 25


def _team_or_404(slug: str) -> Team:
    team = db.session.scalar(db.select(Team).where(Team.slug == slug.lower()))
    if team is None:
        abort(404, description=gettext("There is no feedback form at this address."))
    return team


# --- The public form ------------------------------------------------------------------------

@public.route("/f/<slug>", methods=["GET", "POST"])
@translated
@limiter.limit(FORM_RATE_LIMIT, methods=["POST"])
@csrf.exempt  # the form checks its own token, so an expired page gets a friendly message, not a 400
def form(slug: str):
    team = _team_or_404(slug)
    form = PublicFeedbackForm()
    form.set_metric(team.form_metric)
    if request.method == "POST":
        # A bot that filled the honeypot is thanked like anyone else, and nothing is kept.
        if (request.form.get("website") or "").strip() or (form.validate() and _received(team, form)):
            return redirect(url_for("feedback_public.thanks", slug=team.slug))
        if form.csrf_token.errors:
            form.csrf_token.errors = [gettext("This page was open too long. Please check your answers and send again.")]
    status = 400 if request.method == "POST" else 200
    return render_template("feedback/form.html", team=team, form=form, csat_words=CSAT_WORDS), status


def _received(team: Team, form: PublicFeedbackForm) -> bool:
    """Store the customer's answer; False (with the problems on the form's fields) when refused."""
    try:
        intake.receive_form(team, score=form.score.data, comment=form.comment.data or "",
                            helper_name=form.helper_name.data or "", consent=form.consent.data)
    except FeedbackInvalid as exc:
        db.session.rollback()
        for name, message in exc.errors.items():
            getattr(form, name, form.score).errors.append(message)
        return False
    db.session.commit()
    return True


@public.errorhandler(429)
def form_rate_limited(error):
    """Customers behind one shop Wi-Fi share an address: a kind page leading back to the form.

    Flask-Limiter adds Retry-After to this answer (RATELIMIT_HEADERS_ENABLED).
    """
    slug = (request.view_args or {}).get("slug", "")
    team = db.session.scalar(db.select(Team).where(Team.slug == slug.lower())) if slug else None
    return render_template("feedback/slow_down.html", team=team), 429


@public.route("/f/<slug>/thanks")
@translated
def thanks(slug: str):
    team = _team_or_404(slug)
    return render_template("feedback/thanks.html", team=team)


# --- Team pages: the form link and the QR poster ----------------------------------------------

def _form_url(team: Team) -> str:
    return addresses.page_url(url_for("feedback_public.form", slug=team.slug))


@team_pages.route("", endpoint="index")
@permission_required("view_feedback")
def teams_index():
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    teams = [t for t in teams if can(current_user, "manage_team", t)]
    return render_template("feedback/teams.html", teams=teams)


@team_pages.route("/<slug>")
@login_required
def team(slug: str):
    team = _team_or_404(slug)
    require("manage_team", team)
    recent = db.session.scalars(
        db.select(Feedback).where(Feedback.team_id == team.id)
        .order_by(Feedback.received_at.desc()).limit(5)
    ).all()
    return render_template("feedback/team.html", team=team, form_url=_form_url(team),
                           counts=listing.team_counts(team), recent=recent)


@team_pages.route("/<slug>/poster")
@login_required
def team_poster(slug: str):
    team = _team_or_404(slug)
    require("manage_team", team)
    form_url = _form_url(team)
    return render_template("feedback/poster.html", team=team, form_url=form_url,
                           warning=addresses.poster_warning(form_url))


@team_pages.route("/<slug>/qr.<any(svg, png):kind>")
@login_required
def team_qr(slug: str, kind: str):
    team = _team_or_404(slug)
    require("manage_team", team)
    download = request.args.get("download") == "1"
    data, mimetype = poster.qr_code(_form_url(team), kind)
    response = Response(data, mimetype=mimetype)
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="feedback-{team.slug}.{kind}"'
    return response


# --- HR's feedback list, export and import ---------------------------------------------------

def _visible_team_ids() -> set[int] | None:
    return None if is_hr(current_user) else current_user.managed_team_ids()


@feedback.route("")
@permission_required("view_feedback")
def index():
    filters, values, notes = listing.parse_filters(request.args)
    for note in notes:
        flash(note, "warning")
    visible = _visible_team_ids()
    page = listing.page_of(visible, filters, request.args, per_page=PER_PAGE)
    teams = listing.visible_teams(visible)
    return render_template("feedback/index.html", page=page, values=values, teams=teams,
                           team_names={t.id: t.name for t in teams}, metrics=METRICS, periods=listing.PERIODS,
                           channels=CHANNELS, ranges=SCORE_RANGES, filtering=any(values.values()),
                           export_args={k: v for k, v in request.args.items() if k not in ("page", "after", "before")})


@feedback.route("/export.csv")
@permission_required("view_feedback")
def export():
    filters, _values, _notes = listing.parse_filters(request.args)
    stmt = listing.filtered(_visible_team_ids(), filters)
    name = f"feedback-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(exports.export_rows(stmt)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@feedback.route("/import", methods=["GET", "POST"])
@permission_required("import_feedback")
def import_page():
    form = ImportFeedbackForm()
    report = None
    if form.validate_on_submit():
        report = imports.import_file(form.file.data.read(), dry_run=form.dry_run.data)
        if report.ok and not report.dry_run:
            db.session.commit()
            flash(report.summary(), "success")
        else:
            db.session.rollback()
    status = 400 if (report is not None and not report.ok) or (request.method == "POST" and form.errors) else 200
    return render_template("feedback/import.html", form=form, report=report), status
