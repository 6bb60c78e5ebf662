"""The JSON API under /api/v1: bearer tokens with scopes, JSON errors, and a generated OpenAPI document.

Adding an endpoint (how `GET /api/v1/insights/correlation` joins the same document)::

    # engagement/insights/api.py — imported from your package's init_app
    from flashpoint.api import api_bp, api_operation, api_schema, api_scope_required
    from flashpoint.api.errors import ApiValidationError

    CORRELATION = api_schema("Correlation", {"type": "object", "properties": {...}})

    @api_bp.route("/insights/correlation")
    @api_operation(summary="Engagement against customer scores", tags=["insights"],
                   parameters=[{"name": "metric", "in": "query", "schema": {"type": "string",
                                "enum": ["csat", "nps", "ces"]}}],
                   responses={200: ("The figures", CORRELATION)})
    @api_scope_required("insights:read")
    def correlation():
        ...  # raise ApiValidationError({"lag": "lag runs from -3 to 3"}) for a 400

Rules:
- Declare routes on `api_bp` when your module is imported, i.e. from your `init_app` (or your package
  import). `create_app` registers `api_bp` after every domain's `init_app` (Flask refuses routes added
  to a blueprint once it is registered).
- `api_operation` describes the view; `api_scope_required` adds the bearer security, 401 and 403 to
  it; a request body adds 400. Schemas are plain JSON-schema dicts named with `api_schema`.
- Bad input: raise `ApiValidationError({field: message})` → 400 `{"errors": {...}}`. Read bodies with
  `errors.json_object()` (not JSON or not an object → 400 saying so).
- The blueprint is CSRF-exempt: it authenticates with bearer tokens, never with cookies.
"""
from flask import Blueprint, Flask

from flashpoint.api import models  # noqa: F401  (tables known to migrations)
from flashpoint.api.auth import api_scope_required
from flashpoint.api.openapi import api_operation, api_schema, ref

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

__all__ = ["api_bp", "api_operation", "api_schema", "api_scope_required", "ref", "init_app"]


def init_app(app: Flask) -> None:
    """Register the API blueprint (call after the domains have declared their routes)."""
    from flashpoint.api import cli, permissions, views  # noqa: F401  (rules and routes)
    from flashpoint.api.errors import ApiValidationError, handle_validation_error
    from flashpoint.extensions import csrf
    from flashpoint.permissions import register_rules
    from flashpoint.registry import NavItem, add_nav_item

    register_rules(app, permissions.rules)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(views.api_admin)
    app.register_error_handler(ApiValidationError, handle_validation_error)
    cli.init_app(app)
    add_nav_item(app, NavItem(930, "API tokens", "api_admin.tokens", "manage_api_tokens", "api_admin."))
