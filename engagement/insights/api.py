"""GET /api/v1/insights/correlation: engagement against a customer score, as
(docs/interface.md, "Correlation figures") defines it."""
from __future__ import annotations

from flask import jsonify, request

from engagement.insights import analysis
from flashpoint.api import api_bp, api_operation, api_schema, api_scope_required
from flashpoint.api.errors import ApiValidationError

_NUM = {"type": "number", "nullable": True}
COEFFICIENT = api_schema("CorrelationCoefficient", {
    "type": "object",
    "description": "A coefficient with its 95 % Fisher-z interval and two-sided p-value. When it cannot be "
                   "computed, r, ci_low, ci_high and p are null and `reason` says why.",
    "properties": {"r": _NUM, "ci_low": _NUM, "ci_high": _NUM, "p": _NUM, "reason": {"type": "string"}},
    "required": ["r", "ci_low", "ci_high", "p"],
})
WITHIN = api_schema("WithinTeamCorrelation", {
    "type": "object",
    "description": "The same figures on values centred on each team's mean over the points used (teams with "
                   "one point drop out); p-values and intervals use n − teams + 1.",
    "properties": {"n": {"type": "integer"}, "teams": {"type": "integer"},
                   "pearson": COEFFICIENT, "spearman": COEFFICIENT},
    "required": ["n", "teams", "pearson", "spearman"],
})
CORRELATION = api_schema("Correlation", {
    "type": "object",
    "properties": {
        "metric": {"type": "string", "enum": list(analysis.METRICS)},
        "grain": {"type": "string", "enum": ["week", "month"]},
        "lag": {"type": "integer", "minimum": -3, "maximum": 3},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "n": {"type": "integer", "description": "team-periods used"},
        "teams": {"type": "integer", "description": "distinct teams among the points"},
        "pearson": COEFFICIENT,
        "spearman": COEFFICIENT,
        "within_team": WITHIN,
        "points": {"type": "array", "items": {
            "type": "object",
            "properties": {"team": {"type": "string", "description": "team slug"},
                           "period_start": {"type": "string", "format": "date"},
                           "engagement": {"type": "number", "description": "0–100, period t"},
                           "customer": {"type": "number",
                                        "description": "CSAT %, NPS −100..100 or CES 1–7, period t + lag"}},
            "required": ["team", "period_start", "engagement", "customer"]}},
    },
    "required": ["n", "teams", "pearson", "spearman", "within_team", "points"],
})

PARAMETERS = [
    {"name": "metric", "in": "query", "schema": {"type": "string", "enum": list(analysis.METRICS), "default": "csat"}},
    {"name": "grain", "in": "query", "schema": {"type": "string", "enum": ["week", "month"], "default": "month"}},
    {"name": "lag", "in": "query", "schema": {"type": "integer", "minimum": -3, "maximum": 3, "default": 0},
     "description": "Engagement of period t against the customer score of t + lag (positive: does engagement lead?)."},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Earliest period start (default: a year before `to`)."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "Latest period start (default: today)."},
    {"name": "weight", "in": "query", "schema": {"type": "string", "enum": ["none", "feedback"], "default": "none"},
     "description": "`feedback` weights each team-period by its number of feedback items (weighted Pearson; "
                    "Spearman as weighted Pearson of ranks; p and intervals on Kish's effective n)."},
]


@api_bp.route("/insights/correlation")
@api_operation(
    summary="Engagement against a customer score",
    description="Team-periods whose pulse group meets PULSE_MIN_GROUP_SIZE and whose customer score of period "
                "t + lag rests on at least 5 feedback items. Pooled figures need 2 teams and 4 points; "
                "within-team figures 2 teams with 2 points each.",
    tags=["insights"], parameters=PARAMETERS,
    responses={200: ("The figures and the points they were computed from", CORRELATION),
               400: ("An unknown metric, a lag out of range or a bad date", {"$ref": "#/components/schemas/Errors"})},
)
@api_scope_required("insights:read")
def insights_correlation():
    try:
        query = analysis.parse_query(request.args, allow_method=False)
    except analysis.QueryError as exc:
        raise ApiValidationError(exc.errors) from None
    return jsonify(analysis.correlation_payload(query))
