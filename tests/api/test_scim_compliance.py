"""The SCIM endpoint against an independent compliance checker (scim2-tester): every check it runs
on discovery passes (its CRUD checks expect every User attribute, phone numbers to photos, to be
stored and returned, which Flashpoint does not keep: not run yet).

The checker fills resources with random values; Flashpoint's `userName` is an e-mail address, so the
checker is told so through the field's examples (e-mail addresses drawn from a fixed seed)."""
import random
from typing import Annotated

from pydantic import Field
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_models import EnterpriseUser, Group, Required, ScimProvider, Uniqueness, User
from scim2_tester import Status, check_server

from flashpoint.api.services import create_token
from flashpoint.extensions import db

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED}


class EmailUser(User):
    user_name: Annotated[str | None, Uniqueness.server, Required.true] = Field(
        None, examples=[f"checker{n}@example.com" for n in range(100_000)])


def test_the_scim_discovery_passes_the_compliance_checker(app):
    random.seed(7)
    _, token = create_token("checker", ["scim"])
    db.session.commit()
    client = WSGISCIMClient(app, base_url="http://localhost/scim/v2",
                            headers={"Authorization": f"Bearer {token}"},
                            provider=ScimProvider([EmailUser, EnterpriseUser, Group]))
    results = check_server(client, include_tags={"discovery", "misc"})
    failed = [f"{r.status.name} {r.resource_type} {r.title}: {r.reason}" for r in results if r.status not in PASSED]
    assert len(results) > 10 and failed == [], "\n".join(failed)
