"""Everyone can sign in: invitations and password resets through one-time links, and the page
where managers and HR see who has not signed in yet."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import func, select

from flashpoint.extensions import db, limiter
from flashpoint.notifications import services
from flashpoint.notifications.forms import ForgotPasswordForm, GiveLinkForm, SetPasswordForm
from flashpoint.notifications.rendering import absolute
from flashpoint.people.forms import ConfirmForm
from flashpoint.people.models import User
from flashpoint.people.services import PeopleError, record_sign_in, user_by_email
from flashpoint.permissions import can, permission_required
from flashpoint.timeutil import utcnow

account = Blueprint("account", __name__)

CHANNEL_NAMES = {"slack": "Slack", "email": "e-mail"}


@account.route("/account/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, utcnow())
        db.session.commit()
        # The same answer whether or not the address has an account: nothing to learn here.
        return render_template("notifications/forgot_sent.html")
    return render_template("notifications/forgot.html", form=form)


def _set_password(token: str, purpose: str):
    now = utcnow()
    try:
        link = services.find_account_link(token, now)
        if link.purpose != purpose:
            raise services.AccountLinkError("This link is not valid.")
        if current_app.config["SSO_ONLY"] and link.user.role != "admin":
            # A password would be a way around single sign-on: only admins keep one (SSO_ONLY).
            raise services.AccountLinkError("Passwords are kept for administrators here: sign in with single "
                                            "sign-on from the sign-in page instead.")
    except services.AccountLinkError as exc:
        return render_template("notifications/link_invalid.html", reason=str(exc), purpose=purpose), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.use_account_link(token, form.new.data, now)
        except PeopleError as exc:
            form.new.errors.append(str(exc))
        except services.AccountLinkError as exc:
            db.session.rollback()
            return render_template("notifications/link_invalid.html", reason=str(exc), purpose=purpose), 410
        else:
            if current_user.is_authenticated:
                logout_user()
            record_sign_in(user, now)
            db.session.commit()
            login_user(user)
            flash("Your password is set. Welcome to Flashpoint!" if purpose == "invitation"
                  else "Your new password is set.", "success")
            return redirect(url_for("core.home"))
    response = make_response(render_template("notifications/set_password.html", form=form,
                                              person=link.user, purpose=purpose, expires=link.expires_at))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@account.route("/account/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    return _set_password(token, services.PURPOSE_INVITATION)


@account.route("/account/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _set_password(token, services.PURPOSE_RESET)


# --- Who has not signed in yet --------------------------------------------------------------

def _scope_team_ids(user: User) -> set[int] | None:
    """None (everyone) for HR and admins; a manager's own teams otherwise."""
    if can(user, "view_all_sign_in_status"):
        return None
    return user.managed_team_ids()


@account.route("/people/not-signed-in")
@permission_required("view_sign_in_status")
def not_signed_in():
    scope = _scope_team_ids(current_user)
    page = db.paginate(services.never_signed_in(scope), per_page=30, error_out=False)
    people = list(page.items)
    links = services.latest_links([p.id for p in people])
    reach = {p.id: services.reaching_transports(p) for p in people}
    return render_template("notifications/not_signed_in.html", page=page, links=links, reach=reach,
                           now=utcnow(), whole_org=scope is None, confirm=ConfirmForm(),
                           give_form=GiveLinkForm(), channel_names=CHANNEL_NAMES,
                           may_invite=can(current_user, "invite_people"))


def _handover_page(issued: list[tuple[services.IssuedLink, str]], sent: list[services.IssuedLink]):
    """Shown once: the one-time links are not stored anywhere they could be shown again."""
    sheets = []
    for link, token in issued:
        url = absolute(link.path)
        qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
        sheets.append({"person": link.user, "url": url, "qr": qr, "purpose": link.purpose})
    response = make_response(render_template("notifications/handover.html", sheets=sheets, sent=sent,
                                              expires_days=services.INVITATION_LIFETIME.days))
    response.headers["Cache-Control"] = "no-store"
    return response


@account.route("/people/<int:user_id>/invite", methods=["POST"])
@permission_required("invite_people")
def invite(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        link, token = services.issue_account_link(person, services.PURPOSE_INVITATION, utcnow(),
                                                  by=current_user)
    except services.AccountLinkError as exc:
        flash(str(exc), "error")
        return redirect(url_for("account.not_signed_in"))
    db.session.commit()
    if link.route == "handed_over":
        return _handover_page([(link, token)], [])
    via = " or ".join(CHANNEL_NAMES.get(n, n) for n in services.reaching_transports(person))
    flash(f"An invitation is on its way to {person.name} by {via}. Any earlier link of theirs no longer works.",
          "success")
    return redirect(url_for("account.not_signed_in"))


@account.route("/people/sign-in-link", methods=["POST"])
@permission_required("invite_people")
def give_link():
    """For someone with neither Slack nor e-mail, or who cannot receive them right now."""
    form = GiveLinkForm()
    if not form.validate_on_submit():
        flash("Enter the e-mail address the person signs in with.", "error")
        return redirect(url_for("account.not_signed_in"))
    person = user_by_email(form.email.data)
    if person is None:
        flash("Nobody signs in with that address.", "error")
        return redirect(url_for("account.not_signed_in"))
    purpose = services.PURPOSE_RESET if person.password_hash else services.PURPOSE_INVITATION
    try:
        link, token = services.issue_account_link(person, purpose, utcnow(), by=current_user, hand_over=True)
    except services.AccountLinkError as exc:
        flash(str(exc), "error")
        return redirect(url_for("account.not_signed_in"))
    db.session.commit()
    return _handover_page([(link, token)], [])


@account.route("/people/invite-all", methods=["POST"])
@permission_required("invite_people")
def invite_all():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issued = services.invite_everyone_not_signed_in(current_user, utcnow())
    db.session.commit()
    handed = [(link, token) for link, token in issued if link.route == "handed_over"]
    sent = [link for link, _token in issued if link.route == "notification"]
    if not issued:
        flash("Everyone who has not signed in already has a working invitation.", "info")
        return redirect(url_for("account.not_signed_in"))
    if not handed:
        flash(f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} on the way by Slack or e-mail.", "success")
        return redirect(url_for("account.not_signed_in"))
    return _handover_page(handed, sent)


# --- Home panel: managers and HR see who has not signed in ----------------------------------

def sign_in_panel(user):
    if not can(user, "view_sign_in_status"):
        return None
    stmt = services.never_signed_in(_scope_team_ids(user))
    count = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if not count:
        return None
    return Markup(render_template("notifications/_sign_in_panel.html", count=count))
