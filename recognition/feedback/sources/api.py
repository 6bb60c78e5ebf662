"""`POST /api/v1/webhooks/<name>`: one feedback item from a signed webhook (no bearer token)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from flashpoint.api import api_operation, api_schema, ref
from flashpoint.extensions import csrf
from recognition.feedback.sources import webhooks
from recognition.feedback.sources.webhooks import SIGNATURE, TIMESTAMP

webhook_bp = Blueprint("feedback_webhooks", __name__, url_prefix="/api/v1/webhooks")

REFUSED = api_schema("WebhookRefused", {
    "type": "object", "required": ["errors"],
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "example": {"errors": {"signature": "The signature is missing, wrong or stale, or there is no such webhook."}},
})
HEADERS = [
    {"name": TIMESTAMP, "in": "header", "required": True, "schema": {"type": "string", "pattern": "^[0-9]{1,20}$"},
     "description": "When the request was signed, in Unix seconds; refused when more than 5 minutes from now."},
    {"name": SIGNATURE, "in": "header", "required": True, "schema": {"type": "string"},
     "description": "`v1=` and the hex HMAC-SHA256, under the webhook's secret, of "
                    "`v1:<timestamp>:<raw body>` (several, comma-separated, while a secret is rotated)."},
]


@webhook_bp.route("/<name>", methods=["POST"])
@csrf.exempt  # no cookie is read: the request proves itself with its HMAC signature (webhooks.verify)
@api_operation(
    summary="Send one customer feedback item from a signed webhook", tags=["feedback"],
    description="The body is a feedback item as for `POST /api/v1/feedback`; it is stored once as "
                "`<name>:<external_id>` (`201` new, `200` already stored, unchanged). No bearer token: the "
                "request is signed with the webhook's secret (`flask create-webhook NAME`). A missing, wrong or "
                "stale signature, or a name no webhook has, answers `401` and stores nothing.",
    parameters=HEADERS, request_body=ref("FeedbackIn"),
    responses={201: ("Stored", ref("FeedbackStored")),
               200: ("Already stored under this external_id; unchanged", ref("FeedbackStored")),
               401: ("Not signed by this webhook's secret, signed too long ago, or no such webhook", REFUSED)},
)
def receive(name: str):
    delivery = webhooks.receive(name, request.headers, request.get_data(cache=True))
    return jsonify(delivery.body), delivery.status
