"""Sign-in, sign-out, password change, the people search, and the admin pages for people and teams."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from flashpoint import csvfiles
from flashpoint.extensions import db, limiter, login_manager
from flashpoint.core.addresses import page_url
from flashpoint.people import exports, pages, personal_data, picker, search, services, sso
from flashpoint.people.forms import (ChangePasswordForm, ConfirmForm, ImportPeopleForm, LoginForm,
                                     PersonForm, TeamForm)
from flashpoint.people.models import Role, Team, User
from flashpoint.people.teams import MANAGER_ROLES, TeamFields, save_team
from flashpoint.permissions import permission_required
from flashpoint.timeutil import utcnow

ROLE_CHOICES = [(role.value, role.label) for role in Role]

auth = Blueprint("auth", __name__)
admin = Blueprint("admin", __name__, url_prefix="/admin")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The person behind a session, unless deactivated or their password changed since."""
    user_id, _, stamp = session_id.partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or stamp != user.session_stamp:
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site (no open redirect).

    Browsers read a backslash as a slash, so `/\\evil.example` is as dangerous as `//evil.example`.
    """
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not urlsplit(target).netloc and target.isprintable()):
        return target
    return url_for("core.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """Attempts on one account, from whatever addresses they come (spread-out password guessing)."""
    return "sign-in-account:" + (request.form.get("email") or "").strip().lower()


def _failed_sign_in(response: Response) -> bool:
    # A sign-in that works redirects; only refused attempts count, so the person themselves
    # is not slowed down by signing in often.
    return response.status_code != 302


def _account_paused_message() -> str:
    return gettext("Too many failed sign-in attempts for this account. Signing in to it is paused for a "
                   "while: try again later, or ask for a new password with “Forgot your password?”.")


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
# Per account, in a fixed window: an attacker can pause an account's sign-in for one window at a
# time, never for good; a reset link (which does not go through this form) still lets the person in.
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed_sign_in,
               error_message=_account_paused_message)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data, utcnow(),
                                    admins_only=current_app.config["SSO_ONLY"])
        except services.SignInRefused as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("people/login.html", form=form, sso_label=sso.configured() and sso.label(),
                           sso_only=current_app.config["SSO_ONLY"])


def _sso_refused(exc: sso.SSORefused):
    return render_template("people/sso_refused.html", reason=str(exc), sso_label=sso.label()), exc.status


@auth.route("/login/oidc")
@limiter.limit(_login_limit)
def oidc_login():
    """Off to the identity provider; it sends the person back to the callback."""
    if not sso.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    try:
        return sso.start(page_url(url_for("auth.oidc_callback")))
    except sso.SSORefused as exc:
        return _sso_refused(exc)


@auth.route("/login/oidc/callback")
@limiter.limit(_login_limit)
def oidc_callback():
    """The identity provider's answer: signed in through the same session as a password would."""
    if not sso.configured():
        abort(404)
    try:
        user = sso.finish(request.args.to_dict(), utcnow())
    except sso.SSORefused as exc:
        db.session.rollback()
        return _sso_refused(exc)
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    login_user(user)
    return redirect(url_for("core.home"))


@auth.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Server-side: every cookie of this person issued so far stops working, copies included.
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@auth.route("/account/data")
@login_required
def my_data():
    """Everything Flashpoint holds about me: JSON, or `?format=csv` for a zip of CSV files."""
    fmt = "csv" if request.args.get("format") == "csv" else "json"
    body, mimetype, filename = personal_data.export(current_user, fmt)
    db.session.commit()  # the export is in the audit log before it leaves
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@auth.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except services.PeopleError as exc:
            form.current.errors.append(str(exc))
        else:
            db.session.commit()
            # The new password signs out every other session; this one stays signed in.
            login_user(current_user._get_current_object())
            flash("Your password has been changed; any other session has been signed out.", "success")
            return redirect(url_for("core.home"))
    return render_template("people/password.html", form=form)


# --- Admin: people ------------------------------------------------------------------------

def _directory_filters() -> dict[str, str]:
    return {key: (request.args.get(key) or "").strip() for key in pages.DIRECTORY_FILTERS}


@admin.route("/audit")
@permission_required("view_audit_log")
def audit():
    return render_template("admin/audit.html", events=personal_data.recent_events(), limit=personal_data.AUDIT_PAGE)


@admin.route("/people")
@permission_required("view_people_directory")
def people():
    filters = _directory_filters()
    stmt, visible_teams = pages.directory(current_user, filters)
    page = db.paginate(stmt, per_page=25, error_out=False)
    return render_template("admin/people.html", page=page, filters=filters,
                           teams=pages.team_choices(only=visible_teams), roles=ROLE_CHOICES,
                           filtered=any(filters.values()))


@admin.route("/people.csv")
@permission_required("view_people_directory")
def people_export():
    """The directory as CSV in the import's own columns, so an export can be edited and re-imported."""
    stmt, _visible = pages.directory(current_user, _directory_filters())
    return Response(exports.people_csv(stmt), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=flashpoint-people.csv"})


def _person_fields(form: PersonForm) -> services.PersonFields:
    return services.PersonFields(email=form.email.data, name=form.name.data, role=form.role.data,
                                 team_slug=form.team.data or None, slack_id=form.slack_id.data,
                                 timezone=form.timezone.data, password=form.password.data or None)


def _show_error(form, exc: services.PeopleError) -> None:
    """Put a service's refusal beside the field it concerns, or at the top of the page."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = [*target.errors, str(exc)]
    else:
        flash(str(exc), "error")


@admin.route("/people/new", methods=["GET", "POST"])
@permission_required("manage_people")
def person_new():
    form = PersonForm()
    form.team.choices = pages.team_choices()
    if form.validate_on_submit():
        try:
            user = services.add_person(_person_fields(form), nicknames=form.nicknames.data,
                                       active=form.active.data)
            db.session.commit()
        except services.PeopleError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            flash(f"{user.name} has been added.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person_form.html", form=form, person=None)


def _person_form(person: User) -> PersonForm:
    """The person form: as posted, or filled with the person's details on a GET."""
    form = PersonForm(obj=None if request.method == "POST" else person)
    form.team.choices = pages.team_choices()
    if request.method == "GET":
        form.team.data = person.team.slug if person.team else ""
        form.slack_id.data = person.slack_user_id or ""
        form.active.data = person.active
    return form


@admin.route("/people/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_people")
def person_edit(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            services.edit_person(person, _person_fields(form), nicknames=form.nicknames.data,
                                 active=form.active.data, by=current_user)
            db.session.commit()
        except services.PeopleError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            flash(f"{person.name} has been saved.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person_form.html", form=form, person=person,
                           toggle=ConfirmForm(), is_self=person.id == current_user.id)


@admin.route("/people/<int:user_id>/active", methods=["POST"])
@permission_required("manage_people")
def person_toggle_active(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.toggle_active(person, by=current_user)
    except services.PeopleError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{person.name} is now {'active' if person.active else 'deactivated'}."
              + ("" if person.active else " They can no longer sign in."), "success")
    back = request.referrer or ""
    return redirect(back if back.startswith(request.host_url) else url_for("admin.people"))


@admin.route("/people/<int:user_id>/erase", methods=["POST"])
@permission_required("manage_people")
def person_erase(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        personal_data.erase(person, by=current_user)
    except personal_data.ErasureRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.person_edit", user_id=user_id))
    db.session.commit()
    flash("Their personal data is erased; what they did stays, under \"A former colleague\".", "success")
    return redirect(url_for("admin.people"))


@admin.route("/people/import", methods=["GET", "POST"])
@permission_required("manage_people")
def people_import():
    form = ImportPeopleForm()
    report = None
    if form.validate_on_submit():
        try:
            text = csvfiles.decode(form.file.data.read())
        except csvfiles.CsvFileError as exc:
            report = services.PeopleImportReport(errors=[str(exc)])
        else:
            report = services.import_people(text)
            if report.ok:
                db.session.commit()
    status = 400 if report is not None and not report.ok else 200
    return render_template("admin/people_import.html", form=form, report=report,
                           columns=services.IMPORT_COLUMNS), status


# --- Admin: teams -------------------------------------------------------------------------

@admin.route("/teams")
@permission_required("manage_teams")
def teams():
    return render_template("admin/teams.html", **pages.team_tree())


def _team_form(team: Team | None) -> TeamForm:
    """The team form: as posted, or filled with the team's settings on a GET."""
    form = TeamForm(obj=None if request.method == "POST" else team)
    form.parent.choices = pages.parent_choices(team)
    if request.method == "GET" and team is not None:
        form.parent.data = team.parent.slug if team.parent else ""
        form.managers.data = [m.id for m in team.managers]
        form.collected_metrics.data = team.metrics
    return form


def _team_fields(form: TeamForm) -> TeamFields:
    return TeamFields(slug=form.slug.data, name=form.name.data, parent_slug=form.parent.data or None,
                      form_metric=form.form_metric.data, collected_metrics=form.collected_metrics.data or [],
                      manager_ids=form.managers.data or [])


@admin.route("/teams/new", methods=["GET", "POST"])
@admin.route("/teams/<int:team_id>", methods=["GET", "POST"])
@permission_required("manage_teams")
def team_edit(team_id: int | None = None):
    team = (db.session.get(Team, team_id) or abort(404)) if team_id is not None else None
    form = _team_form(team)
    if not picker.finding(request.form) and form.validate_on_submit():  # Find (no script) saves nothing
        try:
            saved = save_team(team, _team_fields(form))
            db.session.commit()
        except services.PeopleError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            flash(f"Team {saved.name} has been saved.", "success")
            return redirect(url_for("admin.teams"))
    managers = picker.build(current_user, "managers", form.managers.data, roles=MANAGER_ROLES,
                            formdata=request.form if request.method == "POST" else None)
    return render_template("admin/team_form.html", form=form, team=team, members=pages.team_members(team),
                           managers_picker=managers)


# --- Finding people (the pickers) ---------------------------------------------------------

people = Blueprint("people", __name__, url_prefix="/people")


@people.route("/search")
@login_required
def search_people():
    """Active people matching `q` (JSON for static/js/people-picker.js): id, name and team, at most
    `limit` (default 20, at most 50); `role` and `exclude` may repeat. Bad parameters: 400."""
    try:
        found = search.search_people(
            current_user, request.args.get("q", ""), limit=request.args.get("limit", search.DEFAULT_LIMIT),
            roles=request.args.getlist("role"), exclude=request.args.getlist("exclude"))
    except search.SearchRefused as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(people=[m.as_json() for m in found.people], more=found.more)
