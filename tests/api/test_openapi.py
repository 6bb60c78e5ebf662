"""GET /api/v1/openapi.json: generated from the views, valid OpenAPI 3, open without a token."""
from openapi_spec_validator import validate


def test_the_document_validates_as_openapi_3_and_describes_feedback_intake(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    post = spec["paths"]["/api/v1/feedback"]["post"]
    assert post["security"] == [{"bearerAuth": []}] and post["x-required-scope"] == "feedback:write"
    assert {"200", "201", "400", "401", "403"} <= set(post["responses"])
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"external_id", "received_at", "team", "metric", "score"}
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_an_endpoint_declared_on_api_bp_joins_the_document(app):
    """What another area does: declare the view next to its schema; the document picks it up."""
    from flask import Flask

    from flashpoint.api import api_operation, api_schema, api_scope_required
    from flashpoint.api.openapi import build_spec

    probe = Flask("probe")
    thing = api_schema("ProbeThing", {"type": "object", "properties": {"n": {"type": "integer"}}})

    @api_operation(summary="A probe", tags=["probe"], responses={200: ("A thing", thing)},
                   parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}}])
    @api_scope_required("insights:read")
    def probe_view(item_id):
        return {}

    probe.add_url_rule("/api/v1/probe/<int:item_id>", "api.probe", probe_view)
    probe.config["BASE_URL"] = "http://x"
    spec = build_spec(probe)
    validate(spec)
    op = spec["paths"]["/api/v1/probe/{item_id}"]["get"]
    assert op["x-required-scope"] == "insights:read" and op["parameters"][0]["schema"] == {"type": "integer"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ProbeThing"}


# --- The document is exact: what it allows is accepted, what it refuses is refused ---------------

import itertools  # noqa: E402

import jsonschema  # noqa: E402
import pytest  # noqa: E402

from flashpoint.api.services import create_token  # noqa: E402
from flashpoint.extensions import db  # noqa: E402
from tests.factories import make_team  # noqa: E402

CORRELATION = "/api/v1/insights/correlation"


def _allows(schema: dict, value) -> bool:
    """Whether a value meets a (reference-free) schema of the document, formats included."""
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).is_valid(value)


@pytest.fixture
def bearer(app):
    def make(scope):
        _, value = create_token(f"probe {scope}", [scope])
        db.session.commit()
        return {"Authorization": f"Bearer {value}"}
    return make


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.mark.parametrize("name", ["to", "from", "metric", "grain", "lag", "weight"])
def test_a_correlation_parameter_given_empty_is_refused_saying_so(client, bearer, name):
    """`to=` is not a date: the API refuses it instead of quietly using the default."""
    response = client.get(CORRELATION, query_string={name: ""}, headers=bearer("insights:read"))
    assert response.status_code == 400
    assert "empty" in response.get_json()["errors"][name]


@pytest.mark.parametrize("name", ["from", "to"])
def test_the_dates_the_document_allows_are_exactly_the_dates_accepted(client, bearer, spec, name):
    [parameter] = [p for p in spec["paths"][CORRELATION]["get"]["parameters"] if p["name"] == name]
    headers = bearer("insights:read")
    other = {"from": "1900-01-01"} if name == "to" else {"to": "2999-12-31"}
    for value in ("0001-01-01", "1899-12-31", "1900-01-01", "1999-12-31", "2026-02-28", "2999-12-31",
                  "3000-01-01", "9999-12-31", "20260228", "2026-W09-6", " 2026-02-28", "2026-02-30"):
        answer = client.get(CORRELATION, query_string={**other, name: value}, headers=headers)
        assert answer.status_code in (200, 400), answer.status_code
        assert _allows(parameter["schema"], value) == (answer.status_code == 200), (value, answer.get_json())


def test_feedback_score_ranges_are_declared_per_metric_and_match_what_is_accepted(client, bearer, spec):
    """CSAT 1–5, NPS 0–10, CES 1–7: the document says which score each metric takes, and the API
    accepts exactly those."""
    make_team("shop")
    schema = spec["components"]["schemas"]["FeedbackIn"]
    headers = bearer("feedback:write")
    for n, (metric, score) in enumerate(itertools.product(("csat", "nps", "ces"), range(-1, 12))):
        item = {"external_id": f"range-{n}", "received_at": "2026-01-05T10:00:00Z", "team": "shop",
                "metric": metric, "score": score}
        answer = client.post("/api/v1/feedback", json=item, headers=headers)
        assert _allows(schema, item) == (answer.status_code == 201), (metric, score, answer.get_json())


@pytest.mark.parametrize("method, path, allowed", [
    ("get", "/api/v1/feedback", "OPTIONS, POST"),
    ("post", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"),
    ("delete", CORRELATION, "GET, HEAD, OPTIONS"),
    ("get", "/logout", "OPTIONS, POST"),
    ("put", "/heroes", "GET, HEAD, OPTIONS"),
])
def test_a_405_names_the_allowed_methods_in_the_api_and_on_pages(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.headers.get("Allow") == allowed
