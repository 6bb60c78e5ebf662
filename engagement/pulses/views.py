"""Pulse pages: results, CSV export, schedules, question bank, comment threads, and the
one-time answer link (no login)."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engagement.pulses import anonymity, answering, cycles, delivery, links, results, rotation
from engagement.pulses import bank as question_bank
from engagement.pulses.bank import seed_bank
from engagement.pulses.comments import COMMENT_MAX, author_reply, is_comment_author, reply_to_comment
from engagement.pulses.errors import LinkUnusable, PulseError
from engagement.pulses.schedules import ScheduleFields, save_schedule, validate_schedule
from engagement.pulses.forms import ItemEditForm, ItemForm, ReplyForm, ScheduleForm, SendNowForm
from engagement.pulses.models import (
    DRIVER_LABELS, DRIVERS, ENPS, PulseComment, PulseItem, PulseSchedule,
)
from flashpoint.extensions import db
from flashpoint.people.forms import ConfirmForm
from flashpoint.people.models import Team
from flashpoint.permissions import can, permission_required, require
from flashpoint.timeutil import utcnow

pulses = Blueprint("pulses", __name__)


# --- Results --------------------------------------------------------------------------------

def _teams_in_scope() -> list[tuple[Team, int]]:
    """Teams the viewer may see, in tree order with their depth."""
    teams = db.session.scalars(db.select(Team).order_by(Team.name)).all()
    by_parent: dict = {}
    for team in teams:
        by_parent.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[Team, int]] = []

    def walk(parent_id, depth):
        for team in by_parent.get(parent_id, []):
            if can(current_user, "view_team_pulse", team):
                ordered.append((team, depth))
            walk(team.id, depth + 1)

    walk(None, 0)
    return ordered


def _window_start(grain: str, today: date) -> date:
    """Results cover 12 periods: a year of months or twelve weeks."""
    if grain == "week":
        return rotation.week_monday(today) - timedelta(weeks=11)
    return rotation.add_months(rotation.month_start(today), -11)


def _grain() -> str:
    grain = request.args.get("grain", "month")
    return grain if grain in results.GRAINS else "month"


@pulses.route("/pulses")
@permission_required("view_pulse_results")
def index():
    grain = _grain()
    today = utcnow().date()
    first = _window_start(grain, today)
    table = results.compute(grain, first, today)
    periods = results.periods_between(first, today, grain)
    scope = _teams_in_scope()
    show_org = can(current_user, "view_organisation_pulse")
    data_periods = [p for p in periods if p in table]
    try:
        chosen = date.fromisoformat(request.args.get("period", ""))
        chosen = results.period_start(chosen, grain)
    except ValueError:
        # The running period is still filling up: show the last complete one first.
        complete = [p for p in data_periods if p < results.period_start(today, grain)]
        chosen = (complete or data_periods or [None])[-1]

    team = None
    if request.args.get("team"):
        team = db.session.scalar(db.select(Team).where(Team.slug == request.args["team"])) or abort(404)
        require("view_team_pulse", team)
    comments = None
    if team is not None and chosen is not None:
        comments = results.comments_for(team.id, chosen, grain)
    return render_template(
        "pulses/results.html", grain=grain, periods=periods, data_periods=data_periods, table=table,
        scope=scope, show_org=show_org, chosen=chosen, team=team, comments=comments,
        drivers=DRIVERS, labels=DRIVER_LABELS, ROOT=anonymity.ROOT, explain=anonymity.explain,
        threshold=anonymity.min_group_size())


@pulses.route("/pulses/export.csv")
@permission_required("view_pulse_results")
def export_csv():
    """Every figure the viewer may see, blank where anonymity hides it (with the reason)."""
    grain = _grain()
    today = utcnow().date()
    first = _window_start(grain, today)
    table = results.compute(grain, first, today)
    scope = _teams_in_scope()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["team", "period_start", "group_size", "invited", "answered", "response_rate",
                     "engagement", "enps", *DRIVERS, "hidden"])
    nodes = [(anonymity.ROOT, "(organisation)")] if can(current_user, "view_organisation_pulse") else []
    nodes += [(t.id, t.slug) for t, _ in scope]
    for period in sorted(table):
        for node, label in nodes:
            row = table[period].get(node)
            if row is None or row.answered == 0:
                continue

            def fmt(figure):
                return "" if not figure.shown or figure.value is None else f"{figure.value:.1f}"

            hidden = sorted({m for m, f in row.figures.items() if f.hidden in (anonymity.SMALL, anonymity.SUBTRACTION)})
            rate = row.response_rate
            writer.writerow([label, period.isoformat(), row.engagement.n, row.invited, row.answered,
                             "" if rate is None else f"{rate:.0f}", fmt(row.engagement), fmt(row.enps),
                             *[fmt(row.figures[d]) for d in DRIVERS],
                             ";".join(f"{m}:{row.figures[m].hidden}" for m in hidden)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=pulses-{grain}.csv"})


# --- Comment threads ------------------------------------------------------------------------

@pulses.route("/pulses/comments/<comment_id>", methods=["GET", "POST"])
@login_required
def comment_thread(comment_id: str):
    comment = db.session.get(PulseComment, comment_id) or abort(404)
    as_author = is_comment_author(current_user, comment)
    as_manager = can(current_user, "reply_pulse_comment", comment)
    if not (as_author or as_manager):
        abort(403)
    if as_manager and not as_author and not results.comment_visible(comment):
        abort(403)  # a small team's comments are never shown, whoever asks
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            if as_author:
                author_reply(comment, current_user, form.body.data)
            else:
                reply_to_comment(comment, current_user, form.body.data)
            db.session.commit()
            flash("Your reply is posted.", "success")
            return redirect(url_for("pulses.comment_thread", comment_id=comment.id))
        except PulseError as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
    return render_template("pulses/thread.html", comment=comment, form=form, as_author=as_author)


# --- Schedules --------------------------------------------------------------------------------

def _team_choices():
    return [(t.id, ("— " * depth) + t.name) for t, depth in _teams_in_scope()]


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
    schedule.active = not schedule.active
    db.session.commit()
    flash(f"“{schedule.name}” is {'running' if schedule.active else 'paused'}.", "success")
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
    if request.method == "GET" and seed_bank():
        db.session.commit()  # the starter questions, so HR edits rather than starts from nothing
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
def answer(token: str):
    now = utcnow()
    try:
        participation = links.participation_for_token(token, now)
    except LinkUnusable as exc:
        return render_template("pulses/link_closed.html", message=str(exc)), 410
    cycle = participation.cycle
    errors: dict[int, str] = {}
    chosen: dict = {}
    comment = ""
    if request.method == "POST":
        chosen = request.form.to_dict()
        comment = request.form.get("comment", "")
        values, errors = answering.parse_answers(cycle, chosen)
        if not errors:
            try:
                answering.submit_answers(participation, values, comment, now)
                db.session.commit()
            except LinkUnusable as exc:
                db.session.rollback()
                return render_template("pulses/link_closed.html", message=str(exc)), 409
            except PulseError as exc:
                db.session.rollback()
                errors = {0: str(exc)}
            else:
                return render_template("pulses/thanks.html", team=cycle.team, commented=bool(comment.strip()))
    return render_template("pulses/answer.html", cycle=cycle, errors=errors, chosen=chosen, comment=comment,
                           comment_max=COMMENT_MAX), 422 if errors else 200
