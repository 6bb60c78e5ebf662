"""The admin's outbox: every notification and its delivery state, shown as a readable preview.

Two things are never shown here, whatever the admin's rights: who an anonymous author is, and
one-time links (docs/interface.md, "Anonymous authors" and "Pulses and anonymity").

How a message reaches an anonymous author is part of who they are: "sent through Slack" or
"muted" narrows them down to the people who have Slack or mute that kind. So a message to an
anonymous author shows no state, transport, attempts or error; it is counted under no state and
found under no state filter; and resending or setting it aside is refused as if it did not exist
(the answer would tell whether it had failed). It stays in the author's own notifications."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from flashpoint.extensions import db
from flashpoint.outbox import delivery
from flashpoint.outbox.models import Notification, State
from flashpoint.people.forms import ConfirmForm
from flashpoint.permissions import permission_required

outbox = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

ANONYMOUS_LABEL = "the anonymous author"


def recipient_label(note: Notification) -> str:
    if note.channel:
        return note.channel
    if note.anonymous_recipient:
        return ANONYMOUS_LABEL
    return note.recipient.name if note.recipient else "(removed)"


def _addressable(notification_id: int) -> Notification:
    """A notification an admin may act on: never one to an anonymous author (see above)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.anonymous_recipient:
        abort(404)
    return note


@outbox.route("")
@permission_required("view_outbox")
def index():
    state = request.args.get("state") or ""
    kind = request.args.get("kind") or ""
    stmt = db.select(Notification).options(selectinload(Notification.recipient)).order_by(Notification.created_at.desc(), Notification.id.desc())
    if state:
        stmt = stmt.where(Notification.state == state, Notification.anonymous_recipient.is_(False))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    page = db.paginate(stmt, per_page=30, error_out=False)
    counts = dict(db.session.execute(
        db.select(Notification.state, func.count(Notification.id))
        .where(Notification.anonymous_recipient.is_(False)).group_by(Notification.state)
    ).all())
    kinds = db.session.scalars(db.select(Notification.kind).distinct().order_by(Notification.kind)).all()
    # What is switched on, from the configuration: a registered transport may still be unconfigured.
    config = current_app.config
    channels = [name for name, on in (("Slack", config["SLACK_BOT_TOKEN"]),
                                       ("e-mail", config["SMTP_URL"])) if on]
    return render_template("admin/outbox.html", page=page, state=state, kind=kind, counts=counts,
                           kinds=kinds, states=[s.value for s in State], channels=channels,
                           recipient_label=recipient_label, confirm=ConfirmForm())


@outbox.route("/<int:notification_id>/resend", methods=["POST"])
@permission_required("view_outbox")
def resend(notification_id: int):
    note = _addressable(notification_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if note.state not in (State.FAILED.value, State.UNCLEAR.value):
        flash("Only failed or unclear notifications can be sent again.", "error")
    else:
        delivery.resend(note)
        db.session.commit()
        flash("It will be sent again on the next delivery run.", "success")
    return redirect(url_for("outbox.index", state=request.args.get("state", "")))


@outbox.route("/<int:notification_id>/dismiss", methods=["POST"])
@permission_required("view_outbox")
def dismiss(notification_id: int):
    """An admin has checked an unclear or failed one (e.g. it did arrive): keep it in-app only."""
    note = _addressable(notification_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if note.state not in (State.FAILED.value, State.UNCLEAR.value):
        flash("Only failed or unclear notifications can be set aside.", "error")
    else:
        delivery.set_aside(note)
        db.session.commit()
        flash("Set aside: it stays in the person's notifications and will not be sent.", "success")
    return redirect(url_for("outbox.index", state=request.args.get("state", "")))
