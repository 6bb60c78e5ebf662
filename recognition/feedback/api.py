"""`POST /api/v1/feedback`: one feedback item as JSON, stored once per external_id."""
from __future__ import annotations

from flask import jsonify

from flashpoint.api import api_bp, api_operation, api_schema, api_scope_required
from flashpoint.api.errors import ApiValidationError, json_object
from flashpoint.extensions import db
from recognition.feedback import intake, validation
from recognition.feedback.models import COMMENT_MAX
from recognition.sentiment import SCORE_RANGES

FEEDBACK_IN = api_schema("FeedbackIn", {
    "type": "object",
    "additionalProperties": False,
    "required": ["external_id", "received_at", "team", "metric", "score"],
    "properties": {
        "external_id": {"type": "string", "maxLength": validation.EXTERNAL_ID_MAX,
                        "description": "Your system's id for the item; sending it again changes nothing."},
        "received_at": {"type": "string", "format": "date-time",
                        "description": "ISO 8601; without an offset it is UTC. At most 5 minutes in the future."},
        "team": {"type": "string", "description": "The team's slug, e.g. store-downtown."},
        "metric": {"type": "string", "enum": list(SCORE_RANGES)},
        "score": {"type": "integer", "minimum": min(low for low, _ in SCORE_RANGES.values()),
                  "maximum": max(high for _, high in SCORE_RANGES.values()),
                  "description": ", ".join(f"{m} {low}–{high}" for m, (low, high) in SCORE_RANGES.items())
                  + " (each metric's own range is declared in `oneOf`)."},
        "comment": {"type": "string", "maxLength": COMMENT_MAX, "nullable": True},
        "consent": {"type": "boolean", "default": False, "nullable": True,
                    "description": "The customer agrees to be quoted on the wall of thanks."},
        "helper_name": {"type": "string", "maxLength": validation.HELPER_NAME_MAX, "nullable": True,
                        "description": "Who helped the customer, in their words."},
        "employee_email": {"type": "string", "maxLength": validation.EMAIL_MAX, "nullable": True,
                           "description": "The employee your system credits (a help desk's agent). An active "
                                          "person with this address is praised ahead of any name in the "
                                          "comment; an unknown address is ignored and names are matched."},
    },
    # The score's range depends on the metric: one branch per metric, so a tool reading the document
    # knows that a CES score runs from 1 to 7 (and nothing else is accepted).
    "oneOf": [{"properties": {"metric": {"enum": [metric]}, "score": {"minimum": low, "maximum": high}}}
              for metric, (low, high) in SCORE_RANGES.items()],
    "example": {"external_id": "zendesk-48213", "received_at": "2026-03-01T14:30:00Z", "team": "store-downtown",
                "metric": "csat", "score": 5, "comment": "Amara found the right size for me.", "consent": True},
})
FEEDBACK_OUT = api_schema("FeedbackStored", {
    "type": "object",
    "required": ["id", "external_id", "positive"],
    "properties": {"id": {"type": "integer"}, "external_id": {"type": "string"},
                   "positive": {"type": "boolean", "description": "By score or by words reading as praise."}},
})
_STRING_FIELDS = ("external_id", "received_at", "team", "metric", "comment", "helper_name", "employee_email")
_KNOWN = set(_STRING_FIELDS) | {"score", "consent"}


def _type_errors(data: dict) -> dict[str, str]:
    errors = {key: "This field is not part of a feedback item." for key in data if key not in _KNOWN}
    for key in _STRING_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            errors[key] = "This field must be a string."
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)):
        errors["score"] = "The score must be a whole number (a JSON integer)."
    # consent: a JSON boolean, or the words the form and CSV accept ("true", "false", "" = false);
    # the intake's own validation answers anything else.
    if data.get("consent") is not None and not isinstance(data["consent"], (bool, str)):
        errors["consent"] = "Consent is true or false."
    return errors


@api_bp.route("/feedback", methods=["POST"])
@api_operation(
    summary="Send one customer feedback item", tags=["feedback"], request_body=FEEDBACK_IN,
    description="Stores the item once per `external_id`: `201` when new, `200` (and the stored item "
                "unchanged) when that `external_id` was sent before.",
    responses={201: ("Stored", FEEDBACK_OUT), 200: ("Already stored under this external_id; unchanged", FEEDBACK_OUT)},
)
@api_scope_required("feedback:write")
def post_feedback():
    body, created = receive_json(json_object(), "api")
    db.session.commit()
    return jsonify(body), 201 if created else 200


def receive_json(data: dict, channel: str, *, source: str | None = None) -> tuple[dict, bool]:
    """One item as the API takes it (also a webhook's): (the answer's body, whether it is new).

    ApiValidationError names every problem at once; nothing is stored then. A `source` (a webhook)
    stores the item as `source:<external_id>` and gives any credit its name. The caller commits.
    """
    type_errors = _type_errors(data)
    if source is not None and isinstance(data.get("external_id"), str) and data["external_id"].strip():
        data = {**data, "external_id": f"{source}:{data['external_id'].strip()}"}
    if type_errors:
        # Name every problem at once: the other fields are checked too, and nothing is stored.
        try:
            validation.validate_feedback({k: v for k, v in data.items() if k not in type_errors})
        except validation.FeedbackInvalid as exc:
            raise ApiValidationError({**exc.errors, **type_errors}) from None
        raise ApiValidationError(type_errors)
    try:
        received = intake.receive_feedback(data, channel, source=source)
    except validation.FeedbackInvalid as exc:
        db.session.rollback()
        raise ApiValidationError(exc.errors) from None
    item = received.feedback
    # Read before the commit, which expires the row: reading after it would load it again.
    return {"id": item.id, "external_id": item.external_id, "positive": item.positive}, received.created
