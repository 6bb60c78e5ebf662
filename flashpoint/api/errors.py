"""JSON errors for the API: `{"errors": {field: message}}` bodies and a strict JSON-body reader."""
from __future__ import annotations

import json

from flask import jsonify, request


class ApiValidationError(Exception):
    """Raise from an API view to answer 400 with `{"errors": {field: message}}`."""

    def __init__(self, errors: dict[str, str], status: int = 400) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.status = status


def json_object() -> dict:
    """The request body as a JSON object, or ApiValidationError saying what is wrong with it."""
    return parse_json_object(request.get_data(cache=True), request.is_json)


def is_json_type(content_type: str | None) -> bool:
    """What Flask's `request.is_json` says, for a Content-Type header read outside a request."""
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def parse_json_object(raw: bytes, is_json: bool) -> dict:
    """`raw` as a JSON object, or ApiValidationError saying what is wrong with it."""
    if not is_json:
        raise ApiValidationError({"body": "Send the body as JSON with 'Content-Type: application/json'."})
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiValidationError({"body": "The body is not UTF-8 text."}) from None
    except ValueError as exc:
        raise ApiValidationError({"body": f"The body is not valid JSON ({exc})."}) from None
    if not isinstance(data, dict):
        raise ApiValidationError({"body": "The body must be a JSON object ({...})."})
    return data


def handle_validation_error(error: ApiValidationError):
    response = jsonify(errors=error.errors)
    response.status_code = error.status
    return response
