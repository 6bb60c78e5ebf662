"""GET /api/v1/insights/correlation: engagement against a customer score, as
(docs/interface.md, "Correlation figures") defines it."""
from __future__ import annotations

from flask import current_app, request

from engagement.insights import analysis
from flashpoint.api import api_bp, api_operation, api_schema, api_scope_required
from flashpoint.api.errors import ApiValidationError

_NUM = {"type": "number", "nullable": True}
# Dates as the code reads them: YYYY-MM-DD within the range insights cover. A parameter given empty
# (`to=`) is refused with a 400 rather than read as its default (parse_query's strict mode).
_DATE = {"type": "string", "format": "date", "pattern": analysis.DATE_PATTERN}
_DATE_WORDS = (f"YYYY-MM-DD from {analysis.DATE_RANGE[0].isoformat()} to {analysis.DATE_RANGE[1].isoformat()}; "
               "leave the parameter out for its default (an empty value is refused).")

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
        "weight": {"type": "string", "enum": ["none", "feedback"]},
        "from": _DATE,
        "to": _DATE,
        "n": {"type": "integer", "description": "team-periods used"},
        "teams": {"type": "integer", "description": "distinct teams among the points"},
        "pearson": COEFFICIENT,
        "spearman": COEFFICIENT,
        "within_team": WITHIN,
        "points": {"type": "array", "items": {
            "type": "object",
            "properties": {"team": {"type": "string", "description": "team slug"},
                           "period_start": {"type": "string", "format": "date"},
                           "engagement": {"type": "number", "minimum": 0, "maximum": 100,
                                          "description": "0–100, period t"},
                           # The widest of the three scales; each metric's own range is in words.
                           "customer": {"type": "number", "minimum": -100, "maximum": 100,
                                        "description": "period t + lag: CSAT % (0–100), NPS (−100..100) "
                                                       "or CES (mean rating, 1–7)"}},
            "required": ["team", "period_start", "engagement", "customer"]}},
    },
    "required": ["n", "teams", "pearson", "spearman", "within_team", "points"],
})

PARAMETERS = [
    {"name": "metric", "in": "query", "schema": {"type": "string", "enum": list(analysis.METRICS), "default": "csat"}},
    {"name": "grain", "in": "query", "schema": {"type": "string", "enum": ["week", "month"], "default": "month"}},
    {"name": "lag", "in": "query", "schema": {"type": "integer", "minimum": -3, "maximum": 3, "default": 0},
     "description": "Engagement of period t against the customer score of t + lag (positive: does engagement lead?)."},
    {"name": "from", "in": "query", "schema": _DATE,
     "description": f"Earliest period start (default: a year before `to`); {_DATE_WORDS}"},
    {"name": "to", "in": "query", "schema": _DATE,
     "description": f"Latest period start (default: today); {_DATE_WORDS}"},
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
               400: ("An unknown metric, a lag out of range, a bad date or a parameter given empty", {"$ref": "#/components/schemas/Errors"})},
)
@api_scope_required("insights:read")
def insights_correlation():
    try:
        query = analysis.parse_query(request.args, allow_method=False, strict=True)
    except analysis.QueryError as exc:
        raise ApiValidationError(exc.errors) from None
    return current_app.response_class(analysis.correlation_json(query), mimetype="application/json")
