"""The SCIM endpoint against an independent compliance checker (scim2-tester), with every check it
has: discovery, creating, reading (with attributes and excludedAttributes, also through
POST /.search), replacing, deleting, and PATCH add, replace and remove of every attribute. None fails.

The checker tests the attributes the models describe, and the models given to it are the ones the
server builds its /Schemas from (flashpoint/people/scim_schema.py): it asks for exactly what the
server declares it keeps. Flashpoint's `userName` is an e-mail address, so the checker is told so
through the field's examples (e-mail addresses drawn from a fixed seed)."""
import random
from collections import Counter
from typing import Annotated

import pytest
from pydantic import Field
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import Required, ScimProvider, Uniqueness
from scim2_tester import Status, check_server

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.people import scim
from flashpoint.people.scim_schema import EnterpriseUser, Group, User

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


class EmailUser(User):
    user_name: Annotated[str | None, Uniqueness.server, Required.true] = Field(
        None, examples=[f"checker{n}@example.com" for n in range(100_000)])


@pytest.mark.parametrize("app_overrides", [{"SCIM_MAX_DEACTIVATE_PERCENT": 100}])
def test_the_scim_endpoint_passes_every_check_of_the_compliance_checker(app):
    random.seed(7)
    _, token = create_token("checker", ["scim"])
    db.session.commit()
    client = WSGISCIMClient(app, base_url="http://localhost/scim/v2",
                            headers={"Authorization": f"Bearer {token}"},
                            provider=ScimProvider([EmailUser, EnterpriseUser, Group]))
    assert [s["id"] for s in scim.schemas()] == [str(m.__schema__) for m in (User, EnterpriseUser, Group)]
    results = check_server(client)
    failed = [f"{r.status.name} {r.resource_type} {r.title}: {r.reason}" for r in results if r.status not in PASSED]
    assert failed == [], "\n".join(failed)
    tags = {t for r in results for t in r.tags or ()}
    assert {"crud:delete", "crud:read:attributes", "patch:add", "patch:remove", "patch:replace"} <= tags
    assert Counter(r.status for r in results)[Status.SUCCESS] >= 95
