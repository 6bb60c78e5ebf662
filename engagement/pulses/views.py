"""Pulse pages: results, CSV export, schedules, question bank, comment threads, and the
one-time answer link (no login)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engagement.pulses import answering, comments, cycles, delivery, exports, links, pages, results, rotation
from engagement.pulses import bank as question_bank
from engagement.pulses.comments import COMMENT_MAX
from engagement.pulses.errors import LinkUnusable, PulseError
from engagement.pulses.schedules import ScheduleFields, pause_or_run, save_schedule, validate_schedule
from engagement.pulses.forms import ItemEditForm, ItemForm, ReplyForm, ScheduleForm, SendNowForm
from engagement.pulses.models import (
    DRIVER_LABELS, DRIVERS, ENPS, PulseComment, PulseItem, PulseSchedule,
)
from flashpoint.core.languages import translated
from flashpoint.extensions import db
from flashpoint.people.forms import ConfirmForm
from flashpoint.people.models import Team
from flashpoint.permissions import permission_required, require
from flashpoint.timeutil import utcnow

pulses = Blueprint("pulses", __name__)


# --- Results --------------------------------------------------------------------------------

def _grain() -> str:
    grain = request.args.get("grain", "month")
    return grain if grain in results.GRAINS else "month"


def _team_from_args() -> Team | None:
    """The team named by ?team= (404 when unknown, 403 when not the viewer's to see), or None."""
    if not request.args.get("team"):
        return None
    team = db.session.scalar(db.select(Team).where(Team.slug == request.args["team"])) or abort(404)
    require("view_team_pulse", team)
    return team


@pulses.route("/pulses")
@permission_required("view_pulse_results")
def index():
    page = pages.results_page(current_user, _grain(), request.args.get("period", ""), _team_from_args(),
                              utcnow().date())
    return render_template("pulses/results.html", **page)


@pulses.route("/pulses/export.csv")
@permission_required("view_pulse_results")
def export_csv():
    """Every figure the viewer may see, blank where anonymity hides it (with the reason)."""
    grain = _grain()
    return Response(exports.results_csv(current_user, grain, utcnow().date()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=pulses-{grain}.csv"})


# --- Comment threads ------------------------------------------------------------------------

@pulses.route("/pulses/comments/<comment_id>", methods=["GET", "POST"])
@login_required
def comment_thread(comment_id: str):
    comment = db.session.get(PulseComment, comment_id) or abort(404)
    as_author = comments.thread_role(current_user, comment)
    if as_author is None:
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            comments.post_reply(comment, current_user, form.body.data, as_author=as_author)
            db.session.commit()
            flash("Your reply is posted.", "success")
            return redirect(url_for("pulses.comment_thread", comment_id=comment.id))
        except PulseError as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
    return render_template("pulses/thread.html", comment=comment, form=form, as_author=as_author)


# --- Schedules --------------------------------------------------------------------------------

def _team_choices():
    return [(t.id, ("— " * depth) + t.name) for t, depth in pages.teams_in_scope(current_user)]


def _fields_from(form: ScheduleForm) -> ScheduleFields:
    return ScheduleFields(
        name=form.name.data or "", team_ids=list(form.teams.data or []), cadence=form.cadence.data,
        weekday=form.weekday.data, local_time=(form.local_time.data or "").strip(),
        open_days=form.open_days.data, items_per_cycle=form.items_per_cycle.data)


def _save_schedule(form: ScheduleForm, schedule: PulseSchedule | None) -> PulseSchedule | None:
    fields = _fields_from(form)
    errors = validate_schedule(fields)
    for name, message in errors.items():
        getattr(form, "teams" if name == "team_ids" else name).errors.append(message)
    if errors:
        return None
    saved = save_schedule(fields, schedule=schedule, created_by=current_user, today=utcnow().date())
    db.session.commit()
    return saved


def _add_service_errors(form: ScheduleForm) -> None:
    for name, message in validate_schedule(_fields_from(form)).items():
        field = getattr(form, "teams" if name == "team_ids" else name)
        if message not in field.errors:
            field.errors.append(message)


@pulses.route("/pulses/schedules", methods=["GET", "POST"])
@permission_required("manage_pulse_schedules")
def schedules():
    form = ScheduleForm()
    form.teams.choices = _team_choices()
    if request.method == "POST":
        if form.validate_on_submit() and _save_schedule(form, None):
            flash("Schedule saved. Pulses will open at each person's local time.", "success")
            return redirect(url_for("pulses.schedules"))
        _add_service_errors(form)
        db.session.rollback()
    all_schedules = db.session.scalars(db.select(PulseSchedule).order_by(PulseSchedule.active.desc(),
                                                                          PulseSchedule.name)).all()
    frequencies = {s.id: rotation.frequency(s.cadence, s.items_per_cycle) for s in all_schedules}
    preview = rotation.frequency(form.cadence.data or "weekly", form.items_per_cycle.data or 5)
    send_now = SendNowForm()
    send_now.teams.choices = _team_choices()
    page = render_template("pulses/schedules.html", form=form, schedules=all_schedules, frequencies=frequencies,
                           preview=preview, labels=DRIVER_LABELS, weekdays=dict(_weekdays()),
                           send_now=send_now, confirm=ConfirmForm(), open_cycles=cycles.open_cycles(utcnow()))
    return page, 422 if request.method == "POST" else 200


def _weekdays():
    from engagement.pulses.forms import WEEKDAYS
    return WEEKDAYS


@pulses.route("/pulses/schedules/<int:schedule_id>", methods=["GET", "POST"])
@permission_required("manage_pulse_schedules")
def edit_schedule(schedule_id: int):
    schedule = db.session.get(PulseSchedule, schedule_id) or abort(404)
    form = ScheduleForm(obj=schedule)
    form.teams.choices = _team_choices()
    if request.method == "GET":
        form.teams.data = [t.id for t in schedule.teams]
    if request.method == "POST":
        if form.validate_on_submit() and _save_schedule(form, schedule):
            flash("Schedule updated; it applies from the next cycle.", "success")
            return redirect(url_for("pulses.schedules"))
        _add_service_errors(form)
        db.session.rollback()
    preview = rotation.frequency(form.cadence.data or schedule.cadence, form.items_per_cycle.data or 5)
    return render_template("pulses/schedule_form.html", form=form, schedule=schedule, preview=preview,
                           labels=DRIVER_LABELS), 422 if request.method == "POST" else 200


@pulses.route("/pulses/schedules/<int:schedule_id>/toggle", methods=["POST"])
@permission_required("manage_pulse_schedules")
def toggle_schedule(schedule_id: int):
    schedule = db.session.get(PulseSchedule, schedule_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    running = pause_or_run(schedule)
    db.session.commit()
    flash(f"“{schedule.name}” is {'running' if running else 'paused'}.", "success")
    return redirect(url_for("pulses.schedules"))


@pulses.route("/pulses/send-now", methods=["POST"])
@permission_required("manage_pulse_schedules")
def send_now():
    form = SendNowForm()
    form.teams.choices = _team_choices()
    if not form.validate_on_submit() or not form.teams.data:
        flash("Choose at least one team to send a pulse to now.", "error")
        return redirect(url_for("pulses.schedules"))
    slugs = [t.slug for t in db.session.scalars(db.select(Team).where(Team.id.in_(form.teams.data)))]
    try:
        outcome = cycles.pulse_now(slugs, utcnow())
        delivery.send_due_invitations(utcnow())
        db.session.commit()
    except PulseError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pulses.schedules"))
    for team, cycle, message in outcome:
        flash(f"{team.name}: {message}.", "success" if cycle else "info")
    return redirect(url_for("pulses.schedules"))


# --- Question bank ----------------------------------------------------------------------------

@pulses.route("/pulses/items", methods=["GET", "POST"])
@permission_required("manage_pulse_items")
def items():
    form = ItemForm()
    if form.validate_on_submit():
        try:
            question_bank.add_item(form.driver.data, form.text.data)
            db.session.commit()
            flash("Question added; it joins the rotation from the next cycle.", "success")
            return redirect(url_for("pulses.items"))
        except PulseError as exc:
            db.session.rollback()
            form.text.errors.append(str(exc))
    bank = db.session.scalars(db.select(PulseItem).order_by(PulseItem.retired_at.is_not(None),
                                                            PulseItem.driver, PulseItem.id)).all()
    return render_template("pulses/items.html", form=form, bank=bank, labels=DRIVER_LABELS,
                           order=list(DRIVERS) + [ENPS], confirm=ConfirmForm(), edit_form=ItemEditForm()), \
        422 if request.method == "POST" else 200


@pulses.route("/pulses/items/<int:item_id>", methods=["POST"])
@permission_required("manage_pulse_items")
def edit_item(item_id: int):
    item = db.session.get(PulseItem, item_id) or abort(404)
    form = ItemEditForm()
    if not form.validate_on_submit():
        flash("Write the question in 8 to 300 characters.", "error")
        return redirect(url_for("pulses.items"))
    try:
        question_bank.edit_item(item, form.text.data)
        db.session.commit()
        flash("Question updated. Cycles already sent keep the wording they asked.", "success")
    except PulseError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("pulses.items"))


@pulses.route("/pulses/items/<int:item_id>/retire", methods=["POST"])
@permission_required("manage_pulse_items")
def retire_item(item_id: int):
    item = db.session.get(PulseItem, item_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if item.retired_at:
            question_bank.restore_item(item)
            message = "Question back in the rotation."
        else:
            question_bank.retire_item(item, utcnow())
            message = "Question retired; past answers keep it."
        db.session.commit()
        flash(message, "success")
    except PulseError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("pulses.items"))


# --- The one-time link ------------------------------------------------------------------------

@pulses.route("/pulse/<token>", methods=["GET", "POST"])
@translated
def answer(token: str):
    now = utcnow()
    try:
        participation = links.participation_for_token(token, now)
    except LinkUnusable as exc:
        return render_template("pulses/link_closed.html", refusal=exc), 410
    if request.method == "GET":
        return _answer_form(participation.cycle)
    chosen, comment = request.form.to_dict(), request.form.get("comment", "")
    try:
        errors = answering.answer_from_form(participation, chosen, comment, now)
    except LinkUnusable as exc:
        db.session.rollback()
        return render_template("pulses/link_closed.html", refusal=exc), 409
    if errors:
        db.session.rollback()
        return _answer_form(participation.cycle, errors, chosen, comment)
    db.session.commit()
    return render_template("pulses/thanks.html", team=participation.cycle.team, commented=bool(comment.strip()))


def _answer_form(cycle, errors: dict | None = None, chosen: dict | None = None, comment: str = ""):
    return render_template("pulses/answer.html", cycle=cycle, errors=errors or {}, chosen=chosen or {},
                           comment=comment, comment_max=COMMENT_MAX), 422 if errors else 200
