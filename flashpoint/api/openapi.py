"""The OpenAPI 3 document, generated from the API's view functions and the schemas declared beside them."""
from __future__ import annotations

import re

from apispec import APISpec
from flask import Flask

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"

# Component schemas declared with `api_schema` next to the views that use them.
_SCHEMAS: dict[str, dict] = {
    "Errors": {
        "type": "object",
        "description": "What is wrong, by field (or `body`, `token`).",
        "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
        "required": ["errors"],
        "example": {"errors": {"score": "csat scores run from 1 to 5."}},
    },
}
_RULE_ARG = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def api_schema(name: str, schema: dict) -> dict:
    """Declare a named JSON schema for the document; returns a `$ref` to it for `api_operation`."""
    _SCHEMAS[name] = schema
    return ref(name)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def api_operation(*, summary: str, description: str | None = None, tags: list[str] | None = None,
                  parameters: list[dict] | None = None, request_body: dict | None = None,
                  responses: dict[int, tuple[str, dict | None]] | None = None):
    """Describe an API view for the OpenAPI document (path parameters are read from its route).

    `responses` maps a status to (description, schema or None). 401/403 are added for views
    protected with `api_scope_required`, and 400 whenever there is a request body.
    """

    def decorator(view):
        view.openapi = {"summary": summary, "description": description, "tags": tags or [],
                        "parameters": parameters or [], "request_body": request_body,
                        "responses": responses or {200: ("OK", None)}}
        return view

    return decorator


def _content(schema: dict | None) -> dict:
    return {"content": {"application/json": {"schema": schema}}} if schema is not None else {}


def _operation(endpoint: str, method: str, doc: dict, scope: str | None, path_args: list[tuple[str, str]]) -> dict:
    op: dict = {"operationId": f"{endpoint.replace('.', '_')}_{method}", "summary": doc["summary"],
                "tags": doc["tags"], "responses": {}}
    description = doc["description"] or ""
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if converter == "int" else "string"}}
        for converter, name in path_args
    ] + list(doc["parameters"])
    if parameters:
        op["parameters"] = parameters
    if doc["request_body"] is not None:
        op["requestBody"] = {"required": True, **_content(doc["request_body"])}
    for status, (text, schema) in sorted(doc["responses"].items()):
        op["responses"][str(status)] = {"description": text, **_content(schema)}
    if doc["request_body"] is not None:
        op["responses"].setdefault("400", {"$ref": "#/components/responses/BadRequest"})
    if scope:
        # Bearer scopes cannot be listed in OpenAPI 3.0 security requirements; say it in words
        # and in an extension field that tools can read.
        op["security"] = [{"bearerAuth": []}]
        op["x-required-scope"] = scope
        description = (description + "\n\n" if description else "") + f"Needs a token with the scope `{scope}`."
        op["responses"].setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
        op["responses"].setdefault("403", {"$ref": "#/components/responses/Forbidden"})
    if description:
        op["description"] = description
    return op


def build_spec(app: Flask) -> dict:
    """Walk the app's routes; every view carrying `api_operation` metadata becomes an operation."""
    from flashpoint.api.models import SCOPES

    spec = APISpec(
        title="Flashpoint API", version=API_VERSION, openapi_version=OPENAPI_VERSION,
        info={"description": "Customer feedback intake and engagement insights. Authenticate with "
                             "'Authorization: Bearer <token>' (tokens: `flask --app wsgi create-api-token`). "
                             "Scopes: " + "; ".join(f"`{k}` — {v}" for k, v in SCOPES.items())},
        servers=[{"url": app.config["BASE_URL"] if app.config.get("BASE_URL_CONFIGURED") else "/"}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for name in sorted(_SCHEMAS):
        spec.components.schema(name, _SCHEMAS[name])
    errors = _content(ref("Errors"))
    spec.components.response("BadRequest", {"description": "The request is not valid; nothing was stored.", **errors})
    spec.components.response("Unauthorized", {"description": "No token, or an unknown or revoked one.", **errors})
    spec.components.response("Forbidden", {"description": "The token lacks the scope this operation needs.", **errors})

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        doc = getattr(view, "openapi", None)
        if doc is None:
            continue
        path_args = [(m.group("converter") or "string", m.group("name")) for m in _RULE_ARG.finditer(rule.rule)]
        path = _RULE_ARG.sub(lambda m: "{" + m.group("name") + "}", rule.rule)
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        operations = {
            method.lower(): _operation(rule.endpoint, method.lower(), doc, getattr(view, "api_scope", None), path_args)
            for method in methods
        }
        spec.path(path=path, operations=operations)
    return spec.to_dict()
