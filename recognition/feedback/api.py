"""`POST /api/v1/feedback`: one feedback item as JSON, stored once per external_id."""
from __future__ import annotations

from flask import jsonify

from flashpoint.api import api_bp, api_operation, api_schema, api_scope_required
from flashpoint.api.errors import json_object
from flashpoint.extensions import db
from recognition.feedback import validation
from recognition.feedback.intake import receive_json
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
