"""The SCIM 2.0 endpoints under /scim/v2: parse the request, call flashpoint/people/scim.py, answer
`application/scim+json`. Bearer tokens with the scope `scim`; every refusal is the SCIM error schema.
The blueprint is CSRF-exempt: it authenticates with bearer tokens, never with cookies."""
from __future__ import annotations

import json
from functools import wraps

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from flashpoint.api import services as tokens
from flashpoint.api.auth import bearer_token
from flashpoint.extensions import db
from flashpoint.people import scim

scim_bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
SCIM_JSON = "application/scim+json"


def _answer(body: dict | None, status: int = 200, location: str | None = None) -> Response:
    response = Response(json.dumps(body, default=str) if body is not None else "", status=status,
                        mimetype=SCIM_JSON if body is not None else None)
    if location:
        response.headers["Location"] = location
    return response


def _error(error: scim.ScimError) -> Response:
    response = _answer(error.body(), error.status)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="flashpoint"'
    return response


@scim_bp.errorhandler(scim.ScimError)
def _refused(error: scim.ScimError):
    db.session.rollback()  # a refused request changes nothing
    if isinstance(error, scim.SafetyStop):
        scim.notify_admins(error)
        db.session.commit()
    return _error(error)


@scim_bp.errorhandler(HTTPException)
def _http_refused(error: HTTPException):
    # A body over MAX_CONTENT_LENGTH (413) and the like: a SCIM client reads every answer as SCIM.
    db.session.rollback()
    return _error(scim.ScimError(error.code or 500, error.description or error.name))


@scim_bp.errorhandler(Exception)
def _failed(error: Exception):
    # Not the app's HTML pages: the SCIM error schema, for a lost database (503) or a fault (500).
    try:
        db.session.rollback()
    except Exception:  # the database itself may be what failed
        pass
    if isinstance(error, OperationalError):
        current_app.logger.warning("database unavailable on %s: %s", request.path, error)
        response = _error(scim.ScimError(503, "The database did not answer; try again shortly."))
        response.headers["Retry-After"] = "30"
        return response
    current_app.logger.exception("unhandled error on %s", request.path)
    return _error(scim.ScimError(500, "Something went wrong on our side; it has been logged."))


def _base_url() -> str:
    return request.url_root.rstrip("/") + scim_bp.url_prefix


def scim_token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        token = tokens.find_token(bearer_token())
        if token is None:
            return _error(scim.ScimError(401, "Send a token with the scope 'scim' as 'Authorization: Bearer <token>'."))
        if not token.allows("scim"):
            return _error(scim.ScimError(403, "This token does not have the scope 'scim'."))
        if tokens.note_use(token):
            db.session.commit()
        return view(*args, **kwargs)

    return wrapped


def _params():
    return scim.response_parameters(request.args.get("attributes"), request.args.get("excludedAttributes"))


def _body() -> dict:
    try:
        data = json.loads(request.get_data(cache=True).decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        raise scim.ScimError(400, "The body is not valid JSON.", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise scim.ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return data


@scim_bp.route("/ServiceProviderConfig")
@scim_token_required
def service_provider_config():
    return _answer(scim.service_provider_config(_base_url()))


@scim_bp.route("/Schemas")
@scim_token_required
def schemas():
    found = scim.schemas()
    return _answer(scim.list_response(found, len(found), 1))


@scim_bp.route("/Schemas/<schema_id>")
@scim_token_required
def schema(schema_id):
    return _answer(scim.schema(schema_id))


@scim_bp.route("/ResourceTypes")
@scim_token_required
def resource_types():
    found = scim.resource_types(_base_url())
    return _answer(scim.list_response(found, len(found), 1))


@scim_bp.route("/ResourceTypes/<type_id>")
@scim_token_required
def resource_type(type_id):
    return _answer(scim.resource_type(type_id, _base_url()))


def _query() -> scim.Query:
    return scim.query_of(request.args)


@scim_bp.route("/Users")
@scim_token_required
def users():
    query = _query()
    found, total = scim.list_users(query)
    return _answer(scim.list_response([scim.dump_user(u, _base_url(), query.params) for u in found],
                                      total, query.page.start))


@scim_bp.route("/Users/.search", methods=["POST"])
@scim_token_required
def search_users():
    query = scim.search_query(_body())
    found, total = scim.list_users(query)
    return _answer(scim.list_response([scim.dump_user(u, _base_url(), query.params) for u in found],
                                      total, query.page.start))


@scim_bp.route("/Users", methods=["POST"])
@scim_token_required
def create_user():
    user = scim.create_user(_body())
    db.session.commit()
    return _answer(scim.dump_user(user, _base_url()), 201, scim.user_location(_base_url(), user))


@scim_bp.route("/Users/<user_id>")
@scim_token_required
def user(user_id):
    return _answer(scim.dump_user(scim.get_user(user_id), _base_url(), _params()))


@scim_bp.route("/Users/<user_id>", methods=["PUT"])
@scim_token_required
def replace_user(user_id):
    found = scim.replace_user(scim.get_user(user_id), _body())
    db.session.commit()
    return _answer(scim.dump_user(found, _base_url()))


@scim_bp.route("/Users/<user_id>", methods=["PATCH"])
@scim_token_required
def patch_user(user_id):
    found = scim.patch_user(scim.get_user(user_id), _body(), _base_url())
    db.session.commit()
    return _answer(scim.dump_user(found, _base_url()))


@scim_bp.route("/Users/<user_id>", methods=["DELETE"])
@scim_token_required
def delete_user(user_id):
    scim.remove_user(scim.get_user(user_id))
    db.session.commit()
    return _answer(None, 204)


def _with_members() -> bool:
    # Entra ID asks for groups without their members (excludedAttributes=members): big teams stay cheap.
    excluded = {a.strip().lower() for a in request.args.get("excludedAttributes", "").split(",")}
    return "members" not in excluded


@scim_bp.route("/Groups")
@scim_token_required
def groups():
    query = _query()
    found, total = scim.list_groups(query)
    return _answer(scim.list_response([scim.dump_group(t, _base_url(), with_members=_with_members(),
                                                       params=query.params) for t in found],
                                      total, query.page.start))


@scim_bp.route("/Groups/.search", methods=["POST"])
@scim_token_required
def search_groups():
    query = scim.search_query(_body())
    found, total = scim.list_groups(query)
    return _answer(scim.list_response([scim.dump_group(t, _base_url(), params=query.params) for t in found],
                                      total, query.page.start))


@scim_bp.route("/.search", methods=["POST"])
@scim_token_required
def search():
    return _answer(scim.search_all(scim.search_query(_body()), _base_url()))


@scim_bp.route("/Groups", methods=["POST"])
@scim_token_required
def create_group():
    team = scim.create_group(_body())
    db.session.commit()
    return _answer(scim.dump_group(team, _base_url()), 201, scim.group_location(_base_url(), team))


@scim_bp.route("/Groups/<team_id>")
@scim_token_required
def group(team_id):
    return _answer(scim.dump_group(scim.get_group(team_id), _base_url(), with_members=_with_members(),
                                   params=_params()))


@scim_bp.route("/Groups/<team_id>", methods=["PUT"])
@scim_token_required
def replace_group(team_id):
    team = scim.replace_group(scim.get_group(team_id), _body())
    db.session.commit()
    return _answer(scim.dump_group(team, _base_url()))


@scim_bp.route("/Groups/<team_id>", methods=["PATCH"])
@scim_token_required
def patch_group(team_id):
    team = scim.patch_group(scim.get_group(team_id), _body(), _base_url())
    db.session.commit()
    return _answer(scim.dump_group(team, _base_url()))


@scim_bp.route("/Groups/<team_id>", methods=["DELETE"])
@scim_token_required
def delete_group(team_id):
    scim.remove_group(scim.get_group(team_id))
    db.session.commit()
    return _answer(None, 204)


@scim_bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@scim_token_required
def not_found(unknown):
    # A SCIM client reads every answer as SCIM: an unknown endpoint is a SCIM 404, not the HTML page,
    # and a method an endpoint does not take (POST /Schemas) a SCIM 405.
    if unknown.split("/")[0] in KNOWN:
        raise scim.ScimError(405, f"/{unknown} does not take {request.method}.")
    raise scim.ScimError(404, f"There is no SCIM endpoint /{unknown}.")


KNOWN = {"ServiceProviderConfig", "Schemas", "ResourceTypes", "Users", "Groups", ".search"}
