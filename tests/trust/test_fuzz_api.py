"""Fuzzing the API from its own OpenAPI document (schemathesis, through the WSGI app: no network).

Every operation of /api/v1/openapi.json gets schema-valid (positive) and schema-violating
(negative) requests, with a token holding every scope. Each answer must be no 5xx, a status code,
content type, headers and body the document declares, a refusal (4xx) for a violating request, and
a refused request must leave the database as it was. Deterministic: Hypothesis derandomised, no
example database; EXAMPLES per operation and mode.

Schema-valid is not the same as acceptable here: a team slug that does not exist, or a score out
of its metric's range, passes the schema and is refused with a 400 the document declares, so the
"positive data is accepted" check is left out.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from recognition.feedback.sources.webhooks import create_webhook
from tests.factories import make_team
from tests.trust.fuzzing import database_state

EXAMPLES = 120
# Signed with a webhook's secret, which a fuzzer never has: every request must get the one 401.
WEBHOOK = "POST /api/v1/webhooks/{name}"


@pytest.fixture
def api(app):
    # The document's own example names this team: positive cases built from it are stored.
    make_team("store-downtown", "Downtown Store")
    _, token = create_token("fuzz", ["feedback:write", "insights:read"])
    create_webhook("typeform")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.update(headers={"Authorization": f"Bearer {token}"})
    # The token is sent with every request: generated Authorization headers would only replace it.
    schema.config.generation.update(with_security_parameters=False)
    return schema


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert found, "the document lists no operation"
    return found


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"])
def test_every_operation_answers_as_documented_whatever_it_is_sent(app, api, mode):
    labels, answers = [], {}
    fuzz = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))

    def exchange(case):
        before = database_state()
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        answers.setdefault(case.operation.label, set()).add(response.status_code)
        db.session.rollback()  # read what the request committed, not an older snapshot
        if response.status_code >= 400:
            assert database_state() == before, f"a refused {case.method} {case.path} wrote to the database"

    for operation in operations(api):
        labels.append(operation.label)
        if mode == GenerationMode.POSITIVE:
            # The document's own examples first, whatever Hypothesis draws: what it draws depends on
            # the modules loaded before it, so a test run alone may draw differently from the suite.
            for strategy in operation.get_strategies_from_examples():
                fuzz(given(case=strategy)(exchange))()
        fuzz(given(case=operation.as_strategy(generation_mode=mode))(exchange))()
    assert {"POST /api/v1/feedback", "GET /api/v1/insights/correlation", WEBHOOK} <= set(labels)
    assert answers[WEBHOOK] == {401}, answers[WEBHOOK]
    # Both paths were walked: positive cases stored items (the document's example among them) and
    # answered figures; negative ones were refused.
    if mode == GenerationMode.POSITIVE:
        assert {201, 400} <= answers["POST /api/v1/feedback"] and 200 in answers["GET /api/v1/insights/correlation"]
    else:
        assert all(400 in codes for label, codes in answers.items() if label != WEBHOOK), answers
