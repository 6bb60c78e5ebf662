"""Bearer-token authentication for API views: `@api_scope_required("feedback:write")`."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from flashpoint.api import services
from flashpoint.extensions import db


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _refuse(status: int, field: str, message: str, challenge: str | None = None):
    response = jsonify(errors={field: message})
    response.status_code = status
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    return response


def api_scope_required(scope: str):
    """401 without a valid token (with WWW-Authenticate: Bearer), 403 when it lacks `scope`.

    The token is put in `g.api_token` for the view. The scope is also recorded on the view
    (`view.api_scope`) so the OpenAPI document states what each operation needs.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            value = bearer_token()
            token = services.find_token(value)
            if token is None:
                why = ("Send a token as 'Authorization: Bearer <token>'." if value is None
                       else "This token is unknown or has been revoked.")
                error = "invalid_request" if value is None else "invalid_token"
                return _refuse(401, "token", why, f'Bearer realm="flashpoint", error="{error}"')
            if not token.allows(scope):
                return _refuse(403, "token", f"This token does not have the scope '{scope}'.",
                               f'Bearer realm="flashpoint", error="insufficient_scope", scope="{scope}"')
            if services.note_use(token):
                db.session.commit()
            g.api_token = token
            return view(*args, **kwargs)

        wrapped.api_scope = scope
        return wrapped

    return decorator
