"""The OpenAPI document, and the admin page listing, creating and revoking API tokens."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from flashpoint.api import api_bp, services
from flashpoint.api.forms import RevokeForm, TokenForm
from flashpoint.api.models import ApiToken
from flashpoint.api.openapi import build_spec
from flashpoint.extensions import db
from flashpoint.permissions import permission_required

api_admin = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")


@api_bp.route("/openapi.json")
def openapi_document():
    return jsonify(build_spec(current_app))


@api_admin.route("", methods=["GET", "POST"])
@permission_required("manage_api_tokens")
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            row, new_token = services.create_token(form.name.data, form.scopes.data, created_by=current_user)
            db.session.commit()
        except services.ApiTokenError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            form = TokenForm(formdata=None)
            flash(f"Token “{row.name}” created. Copy it now: it is not shown again.", "success")
    response = render_template("api/tokens.html", form=form, tokens=services.list_tokens(),
                               new_token=new_token, revoke=RevokeForm())
    # The page may carry a token in clear: keep it out of every cache.
    return response, 200, {"Cache-Control": "no-store"}


@api_admin.route("/<int:token_id>/revoke", methods=["POST"])
@permission_required("manage_api_tokens")
def revoke(token_id: int):
    row = db.session.get(ApiToken, token_id) or abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    services.revoke_token(row)
    db.session.commit()
    flash(f"Token “{row.name}” ({row.prefix}…) is revoked; calls with it now get 401.", "success")
    return redirect(url_for("api_admin.tokens"))
