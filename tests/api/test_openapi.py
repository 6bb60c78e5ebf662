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
