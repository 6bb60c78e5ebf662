"""The notification centre, notification preferences, one-click unsubscribe, and an admin's
e-mail preview."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from flashpoint.extensions import csrf, db
from flashpoint.notifications import services
from flashpoint.notifications.forms import PreferencesForm
from flashpoint.notifications.mail import build_email
from flashpoint.notifications.models import CHANNEL_AUTO
from flashpoint.notifications.rendering import ACTION_LABELS, quote_to_show
from flashpoint.notifications.topics import MUTE_ALL, TOPIC_BY_KEY
from flashpoint.notifications.unsubscribe import read_token
from flashpoint.outbox.models import Notification
from flashpoint.people.forms import ConfirmForm
from flashpoint.people.models import User
from flashpoint.permissions import permission_required
from flashpoint.registry import must_act_kinds
from flashpoint.timeutil import utcnow

notifications = Blueprint("notifications", __name__)

PER_PAGE = 20


def _local_path(target: str | None) -> str | None:
    """Only paths on this site are followed from a notification (no open redirect); an
    absolute link to this site's own BASE_URL counts as one of its paths."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if target and target.startswith(base + "/"):
        target = target[len(base):]
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return None


@notifications.route("/notifications")
@permission_required("view_notifications")
def index():
    unread_only = request.args.get("show") == "unread"
    stmt = services.notifications_for(current_user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           unread=services.unread_count(current_user.id), confirm=ConfirmForm(),
                           action_labels=ACTION_LABELS, local_path=_local_path, quote_to_show=quote_to_show)


@notifications.route("/notifications/<int:notification_id>/open")
@permission_required("view_notifications")
def open_(notification_id: int):
    note = services.own_notification(current_user, notification_id) or abort(404)
    services.mark_read(note, utcnow())
    db.session.commit()
    return redirect(_local_path(note.link) or url_for("notifications.index"))


@notifications.route("/notifications/<int:notification_id>/read", methods=["POST"])
@permission_required("view_notifications")
def mark_read(notification_id: int):
    note = services.own_notification(current_user, notification_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_read(note, utcnow())
    db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int),
                            show=request.args.get("show") or None))


@notifications.route("/notifications/read-all", methods=["POST"])
@permission_required("view_notifications")
def mark_all_read():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(current_user, utcnow())
    db.session.commit()
    flash("Everything is marked as read." if count else "There was nothing unread.", "success")
    return redirect(url_for("notifications.index"))


def _reach(user: User) -> list[str]:
    return services.reaching_transports(user, "notifications.preferences")


@notifications.route("/settings/notifications", methods=["GET", "POST"])
@permission_required("view_notifications")
def settings():
    pref = services.preference_for(current_user.id)
    muted = set(pref.muted or []) if pref else set()
    reach = _reach(current_user)
    form = PreferencesForm()
    if request.method == "GET":
        # "Automatic" is shown as what it means for this person: the first channel that reaches.
        chosen = pref.channel if pref else CHANNEL_AUTO
        form.channel.data = reach[0] if chosen == CHANNEL_AUTO and reach else chosen
        for topic, field in form.topic_fields():
            field.data = MUTE_ALL not in muted and topic.key not in muted
    if form.validate_on_submit():
        keys = [topic.key for topic, field in form.topic_fields() if not field.data]
        channel = form.channel.data if len(reach) > 1 else (pref.channel if pref else CHANNEL_AUTO)
        services.save_preferences(current_user, channel, keys)
        db.session.commit()
        flash("Your notification settings are saved.", "success")
        return redirect(url_for("notifications.settings"))
    must_act = sorted(must_act_kinds(current_app))
    return render_template("notifications/settings.html", form=form, reach=reach, must_act=must_act,
                           has_slack_id=bool(current_user.slack_user_id))


@notifications.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs without a form; the token is signed
def unsubscribe(token: str):
    wish = read_token(token)
    person = db.session.get(User, wish.user_id) if wish else None
    if wish is None or person is None:
        return render_template("notifications/unsubscribe.html", invalid=True, topic=None), 400
    topic = TOPIC_BY_KEY.get(wish.topic)
    if request.method == "POST":
        services.mute(person, wish.topic)
        db.session.commit()
        if request.form.get("List-Unsubscribe") == "One-Click":
            return "Unsubscribed.", 200, {"Content-Type": "text/plain; charset=utf-8"}
        return render_template("notifications/unsubscribe.html", done=True, topic=topic, invalid=False)
    # A GET never changes anything: link scanners open links in e-mails.
    return render_template("notifications/unsubscribe.html", done=False, topic=topic, invalid=False,
                           token=token)


@notifications.route("/admin/outbox/<int:notification_id>/email")
@permission_required("preview_email")
def email_preview(notification_id: int):
    """What this notification looks like as an e-mail — without its one-time link, and without
    the name of an anonymous author."""
    note = db.session.get(Notification, notification_id) or abort(404)
    if note.recipient is None:
        abort(404)
    message = build_email(note.recipient, [note], preview=True)
    html = message.get_body(("html",)).get_content()
    response = Markup(html)
    return response, 200, {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
                           "Cache-Control": "no-store"}


# --- Helpers for the nav badge and the home panel ---------------------------------------------

def unread_badge(user) -> int:
    """Counted once per request (the nav and the home panel both ask)."""
    cached = getattr(request, "_fp_unread", None)
    if cached is None or cached[0] != user.id:
        cached = (user.id, services.unread_count(user.id))
        request._fp_unread = cached
    return cached[1]


def home_panel(user):
    unread = unread_badge(user)
    if not unread:
        return None
    notes = db.session.scalars(
        services.notifications_for(user.id).where(Notification.read_at.is_(None)).limit(5)
    ).all()
    return Markup(render_template("notifications/_home_panel.html", notes=notes, unread=unread,
                                  action_labels=ACTION_LABELS))
