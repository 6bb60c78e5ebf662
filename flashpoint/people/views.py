"""Sign-in, sign-out, password change, and the admin pages for people and teams."""
from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from flashpoint import csvfiles
from flashpoint.extensions import db, limiter, login_manager
from flashpoint.people import services
from flashpoint.people.forms import (ChangePasswordForm, ConfirmForm, ImportPeopleForm, LoginForm,
                                     PersonForm, TeamForm)
from flashpoint.people.models import Role, Team, User
from flashpoint.permissions import can, permission_required
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


# Checked when the e-mail is unknown, so both failures take as long as each other.
_DUMMY_HASH = generate_password_hash("no account has this password")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.user_by_email(form.email.data)
        # One message for unknown e-mail and wrong password: do not reveal who has an account.
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        if user is None or not user.check_password(form.password.data):
            flash("That e-mail and password do not match an account.", "error")
        elif not user.active:
            flash("This account has been deactivated. Ask an administrator if that is a mistake.", "error")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("people/login.html", form=form)


@auth.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


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

def _team_choices(include_none: bool = True, only: set[int] | None = None) -> list[tuple[str, str]]:
    stmt = db.select(Team).order_by(Team.name)
    if only is not None:
        stmt = stmt.where(Team.id.in_(only))
    choices = [("", "— none —")] if include_none else []
    return choices + [(t.slug, t.name) for t in db.session.scalars(stmt)]


def _directory_query():
    """People the viewer may see, filtered by the query string; also returns the filters."""
    filters = {key: (request.args.get(key) or "").strip() for key in ("q", "team", "role", "status")}
    stmt = db.select(User).options(selectinload(User.team)).order_by(User.name, User.id)
    visible_teams = None
    if not can(current_user, "view_whole_directory"):
        visible_teams = current_user.managed_team_ids()
        stmt = stmt.where(User.team_id.in_(visible_teams))
    if filters["q"]:
        escaped = filters["q"].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(or_(db.func.lower(User.name).like(like, escape="\\"),
                              User.email.like(like, escape="\\")))
    if filters["team"]:
        team = services.team_by_slug(filters["team"])
        # A department's filter includes its teams.
        stmt = stmt.where(User.team_id.in_([t.id for t in team.subtree()] if team else []))
    if filters["role"]:
        stmt = stmt.where(User.role == filters["role"])
    if filters["status"] == "inactive":
        stmt = stmt.where(User.active.is_(False))
    elif filters["status"] == "never":
        stmt = stmt.where(User.last_login_at.is_(None), User.active.is_(True))
    elif filters["status"] == "active":
        stmt = stmt.where(User.active.is_(True))
    return stmt, filters, visible_teams


@admin.route("/people")
@permission_required("view_people_directory")
def people():
    stmt, filters, visible_teams = _directory_query()
    page = db.paginate(stmt, per_page=25, error_out=False)
    return render_template("admin/people.html", page=page, filters=filters,
                           teams=_team_choices(only=visible_teams), roles=ROLE_CHOICES,
                           filtered=any(filters.values()))


@admin.route("/people.csv")
@permission_required("view_people_directory")
def people_export():
    """The directory as CSV in the import's own columns, so an export can be edited and re-imported."""
    stmt, _filters, _visible = _directory_query()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*services.IMPORT_COLUMNS, "active", "last_sign_in"])
    for person in db.session.scalars(stmt):
        writer.writerow([_csv_safe(person.email), _csv_safe(person.name), person.role,
                         person.team.slug if person.team else "", _csv_safe(person.slack_user_id or ""),
                         _csv_safe(person.timezone), "true" if person.active else "false",
                         person.last_login_at.isoformat(timespec="seconds") if person.last_login_at else ""])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=flashpoint-people.csv"})


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading quote keeps them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


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
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(_person_fields(form))
            user.nicknames = (form.nicknames.data or "").strip()
            user.active = form.active.data
            db.session.commit()
        except services.PeopleError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            flash(f"{user.name} has been added.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person_form.html", form=form, person=None)


@admin.route("/people/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_people")
def person_edit(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = PersonForm(obj=None if request.method == "POST" else person)
    form.team.choices = _team_choices()
    if request.method == "GET":
        form.team.data = person.team.slug if person.team else ""
        form.slack_id.data = person.slack_user_id or ""
        form.active.data = person.active
    if form.validate_on_submit():
        if person.id == current_user.id and not form.active.data:
            form.active.errors = [*form.active.errors, "You cannot deactivate yourself."]
        elif person.id == current_user.id and form.role.data != current_user.role:
            # Another admin must do it, so the organisation is never left without one.
            form.role.errors = [*form.role.errors, "You cannot change your own role."]
        else:
            try:
                services.update_user(person, _person_fields(form), active=form.active.data)
                person.nicknames = (form.nicknames.data or "").strip()
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
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if person.id == current_user.id:
        flash("You cannot deactivate yourself.", "error")
    else:
        person.active = not person.active
        db.session.commit()
        flash(f"{person.name} is now {'active' if person.active else 'deactivated'}."
              + ("" if person.active else " They can no longer sign in."), "success")
    back = request.referrer or ""
    return redirect(back if back.startswith(request.host_url) else url_for("admin.people"))


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
    all_teams = db.session.scalars(
        db.select(Team).options(selectinload(Team.children), selectinload(Team.managers)).order_by(Team.name)
    ).all()
    roots = [t for t in all_teams if t.parent_id is None]
    counts = dict(db.session.execute(
        db.select(User.team_id, db.func.count(User.id)).where(User.active.is_(True)).group_by(User.team_id)
    ).all())
    return render_template("admin/teams.html", roots=roots, counts=counts, total=len(all_teams))


def _manager_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(
        db.select(User).where(User.active.is_(True), User.role.in_(["manager", "hr", "admin"])).order_by(User.name)
    ).all()
    return [(p.id, f"{p.name} ({p.email})") for p in people]


@admin.route("/teams/new", methods=["GET", "POST"])
@admin.route("/teams/<int:team_id>", methods=["GET", "POST"])
@permission_required("manage_teams")
def team_edit(team_id: int | None = None):
    team = None
    if team_id is not None:
        team = db.session.get(Team, team_id) or abort(404)
    form = TeamForm(obj=None if request.method == "POST" else team)
    # A team cannot move under itself or its own sub-teams, so those are not offered.
    below = {t.id for t in team.subtree()} if team is not None else set()
    form.parent.choices = [("", "— none (a department or a stand-alone team) —")] + [
        (t.slug, t.name) for t in db.session.scalars(db.select(Team).order_by(Team.name)) if t.id not in below
    ]
    form.managers.choices = _manager_choices()
    if request.method == "GET" and team is not None:
        form.parent.data = team.parent.slug if team.parent else ""
        form.managers.data = [m.id for m in team.managers]
        form.collected_metrics.data = team.metrics
    if form.validate_on_submit():
        try:
            if team is None:
                team = services.create_team(form.slug.data, form.name.data, form.parent.data or None)
                db.session.flush()
            elif form.slug.data.strip().lower() != team.slug:
                raise services.PeopleError("A team's slug cannot change: printed posters point at it.", "slug")
            parent = services.team_by_slug(form.parent.data) if form.parent.data else None
            services.update_team(team, name=form.name.data, parent=parent, form_metric=form.form_metric.data,
                                 collected_metrics=form.collected_metrics.data or [])
            managers = [db.session.get(User, i) for i in form.managers.data or []]
            services.set_team_managers(team, [m for m in managers if m is not None])
            db.session.commit()
        except services.PeopleError as exc:
            db.session.rollback()
            _show_error(form, exc)
            if team_id is None:
                team = None
        else:
            flash(f"Team {team.name} has been saved.", "success")
            return redirect(url_for("admin.teams"))
    members = []
    if team is not None and team.id is not None:
        members = db.session.scalars(
            db.select(User).where(User.team_id == team.id).order_by(User.active.desc(), User.name)
        ).all()
    return render_template("admin/team_form.html", form=form, team=team, members=members)
