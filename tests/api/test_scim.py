"""SCIM 2.0 provisioning under /scim/v2: discovery, bearer tokens with the scope `scim`, Users (the
e-mail is the userName), deactivation that signs out and keeps what the person did, the safety stop."""
from datetime import datetime, timedelta

import pytest

from flashpoint.api.services import create_token
from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.people.models import AuditEvent, Team, User
from tests.factories import make_team, make_user

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
NOW = datetime(2026, 3, 2, 9, 30)


@pytest.fixture
def scim(client, monkeypatch):
    monkeypatch.setattr("flashpoint.people.scim.utcnow", lambda: NOW)
    _, token = create_token("Okta", ["scim"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}

    class Scim:
        def __init__(self):
            self.headers = headers

        def get(self, path, **kw):
            return client.get("/scim/v2" + path, headers=headers, **kw)

        def send(self, method, path, body):
            return client.open("/scim/v2" + path, method=method, json=body, headers=headers)

    return Scim()


def new_user(email="ada@example.com", **extra):
    return {"schemas": [USER], "userName": email, "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "active": True, **extra}


def test_without_a_scim_token_the_answer_is_a_scim_401_or_403(client):
    answer = client.get("/scim/v2/Users")
    assert answer.status_code == 401 and answer.json["schemas"] == [ERROR] and answer.json["status"] == "401"
    assert answer.headers["Content-Type"] == "application/scim+json"
    _, token = create_token("feedback only", ["feedback:write"])
    db.session.commit()
    answer = client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.json["schemas"] == [ERROR]


def test_create_api_token_offers_the_scim_scope(runner):
    result = runner.invoke(args=["create-api-token", "Entra ID", "--scope", "scim"])
    assert result.exit_code == 0, result.output


def test_discovery_describes_users_groups_and_the_enterprise_extension(scim):
    config = scim.get("/ServiceProviderConfig").json
    assert config["patch"]["supported"] is True and config["filter"]["supported"] is True
    assert config["bulk"]["supported"] is False
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    ids = {s["id"] for s in scim.get("/Schemas").json["Resources"]}
    assert {USER, "urn:ietf:params:scim:schemas:core:2.0:Group",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"} <= ids
    assert scim.get(f"/Schemas/{USER}").json["name"] == "User"
    types = {t["id"]: t for t in scim.get("/ResourceTypes").json["Resources"]}
    assert types["User"]["endpoint"] == "/Users"
    assert scim.get("/ResourceTypes/User").status_code == 200
    assert scim.get("/ResourceTypes/Nope").status_code == 404


def test_create_then_read_list_and_filter_by_username_or_external_id(scim):
    answer = scim.send("POST", "/Users", new_user(externalId="okta-17"))
    assert answer.status_code == 201, answer.json
    created = answer.json
    assert created["userName"] == "ada@example.com" and created["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert answer.headers["Location"].endswith(f"/scim/v2/Users/{created['id']}")
    person = db.session.get(User, int(created["id"]))
    assert person.name == "Ada Lovelace" and person.scim_external_id == "okta-17" and person.role == "staff"
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.subject_id == person.id)) == \
        "created by provisioning"
    make_user(email="bo@example.com")
    assert scim.get(f"/Users/{created['id']}").json["externalId"] == "okta-17"
    found = scim.get('/Users?filter=userName eq "ADA@example.com"').json
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == created["id"]
    found = scim.get('/Users?filter=externalId eq "okta-17"').json
    assert [r["userName"] for r in found["Resources"]] == ["ada@example.com"]
    assert scim.get('/Users?filter=userName eq "nobody@example.com"').json["totalResults"] == 0
    page = scim.get("/Users?startIndex=2&count=1").json
    assert page["totalResults"] == 2 and page["startIndex"] == 2 and page["itemsPerPage"] == 1
    assert page["Resources"][0]["userName"] == "bo@example.com"


@pytest.mark.both_databases  # ids too big for the database are nobody, not an error
def test_bad_input_answers_the_scim_error_and_changes_nothing(scim):
    make_user(email="ada@example.com")
    duplicate = scim.send("POST", "/Users", new_user("Ada@Example.com"))
    assert duplicate.status_code == 409 and duplicate.json["scimType"] == "uniqueness"
    missing = scim.send("POST", "/Users", {"schemas": [USER], "name": {"givenName": "X"}})
    assert missing.status_code == 400 and missing.json["schemas"] == [ERROR]
    not_email = scim.send("POST", "/Users", new_user("not an address"))
    assert not_email.status_code == 400 and not_email.json["scimType"] == "invalidValue"
    assert scim.get('/Users?filter=name.familyName co "x"').json["scimType"] == "invalidFilter"
    assert scim.get("/Users?count=many").status_code == 400
    assert scim.get("/Users/999999").status_code == 404 and scim.get("/Users/abc").json["status"] == "404"
    for missing in ("/Users/99999999999999", "/Users/\u0663", "/Groups/99999999999999", "/Groups/-1"):
        assert scim.get(missing).status_code == 404 and scim.get(missing).json["schemas"] == [ERROR], missing
    for odd in ('id eq "abc"', 'id eq "99999999999999"'):
        assert scim.get(f"/Users?filter={odd}").json["totalResults"] == 0
        assert scim.get(f"/Groups?filter={odd}").json["totalResults"] == 0
    assert scim.get("/Users?sortBy=title").json["scimType"] == "invalidValue"
    assert scim.get("/Users?sortOrder=sideways").json["scimType"] == "invalidValue"
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_put_replaces_and_patch_changes_name_emails_and_refuses_an_unknown_path(scim):
    person = make_user(email="ada@example.com", name="Ada L")
    replaced = scim.send("PUT", f"/Users/{person.id}", new_user("ada.lovelace@example.com", externalId="e-1"))
    assert replaced.status_code == 200 and replaced.json["userName"] == "ada.lovelace@example.com"
    assert db.session.get(User, person.id).name == "Ada Lovelace"
    patched = scim.send("PATCH", f"/Users/{person.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "name.familyName", "value": "King"},
        {"op": "replace", "path": "emails", "value": [{"value": "ada.king@example.com", "primary": True}]}]})
    assert patched.status_code == 200, patched.json
    person = db.session.get(User, person.id)
    assert person.name == "Ada King" and person.email == "ada.king@example.com"
    unknown = scim.send("PATCH", f"/Users/{person.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "name.familyName", "value": "Byron"},
        {"op": "replace", "path": "favouriteColour", "value": "green"}]})
    assert unknown.status_code == 400 and unknown.json["scimType"] == "invalidPath"
    assert db.session.get(User, person.id).name == "Ada King"


def test_active_false_signs_the_person_out_at_once_and_delete_keeps_them(scim, client, login):
    team = make_team("shop")
    people = [make_user(team=team) for _ in range(6)]  # 2 of 6: under the safety stop's 40%
    login(people[0])
    assert client.get("/").status_code == 200
    patched = scim.send("PATCH", f"/Users/{people[0].id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]})
    assert patched.status_code == 200 and patched.json["active"] is False
    assert client.get("/").status_code == 302  # the session they had stopped working
    assert db.session.get(User, people[0].id).session_generation == 1
    assert scim.send("DELETE", f"/Users/{people[1].id}", None).status_code == 204
    kept = db.session.get(User, people[1].id)
    assert kept is not None and kept.active is False and kept.email == people[1].email
    logged = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.subject_id, e.at) for e in logged] == [
        ("deactivated by provisioning", people[0].id, NOW), ("deactivated by provisioning", people[1].id, NOW),
        ("removed by provisioning", people[1].id, NOW)]


def test_the_safety_stop_refuses_deactivating_too_many_within_an_hour_and_tells_the_admins(scim, monkeypatch):
    admin = make_user("admin")
    people = [make_user() for _ in range(9)]  # 10 active people: 40% is 4
    for person in people[:2]:  # a deletion deactivates, and counts
        assert scim.send("DELETE", f"/Users/{person.id}", None).status_code == 204
    for person in people[2:4]:
        assert scim.send("PATCH", f"/Users/{person.id}", {"schemas": [PATCH], "Operations": [
            {"op": "replace", "path": "active", "value": False}]}).status_code == 200
    refused = scim.send("PATCH", f"/Users/{people[4].id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]})
    assert refused.status_code == 409 and refused.json["schemas"] == [ERROR]
    assert "SCIM_MAX_DEACTIVATE_PERCENT" in refused.json["detail"]
    assert db.session.get(User, people[4].id).active is True
    notes = db.session.scalars(db.select(Notification).where(Notification.kind == "scim.safety_stop")).all()
    assert [n.recipient_id for n in notes] == [admin.id]
    # Reactivating is never stopped, and an hour later deactivations go through again.
    assert scim.send("PATCH", f"/Users/{people[2].id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": True}]}).status_code == 200
    monkeypatch.setattr("flashpoint.people.scim.utcnow", lambda: NOW + timedelta(minutes=61))
    assert scim.send("DELETE", f"/Users/{people[4].id}", None).status_code == 204


@pytest.mark.parametrize("app_overrides", [{"SCIM_MAX_DEACTIVATE_PERCENT": 100}])
def test_the_limit_is_a_setting(scim):
    people = [make_user() for _ in range(3)]
    for person in people:
        assert scim.send("DELETE", f"/Users/{person.id}", None).status_code == 204


GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def test_groups_are_teams_created_found_by_display_name_and_given_members(scim):
    shop = make_team("shop", "Downtown shop")
    ada, bo = make_user(email="ada@example.com", team=shop), make_user(email="bo@example.com")
    listed = scim.get('/Groups?filter=displayName eq "downtown SHOP"').json
    assert listed["totalResults"] == 1 and listed["Resources"][0]["members"] == [
        {"value": str(ada.id), "type": "User", "$ref": f"http://localhost/scim/v2/Users/{ada.id}"}]
    assert "members" not in scim.get("/Groups?excludedAttributes=members").json["Resources"][0]
    asked = scim.get(f"/Groups/{shop.id}?attributes=members.display").json
    assert asked["members"] == [{"display": ada.name}]
    created = scim.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "Night Crew",
                                            "members": [{"value": str(bo.id)}]})
    assert created.status_code == 201, created.json
    team = db.session.get(Team, int(created.json["id"]))
    assert team.name == "Night Crew" and team.slug == "night-crew" and [m.id for m in team.members] == [bo.id]
    again = scim.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "night crew"})
    assert again.status_code == 409 and again.json["scimType"] == "uniqueness"
    unknown = scim.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "Ghosts", "members": [{"value": "999"}]})
    assert unknown.status_code == 400 and unknown.json["scimType"] == "invalidValue"
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 2


def test_patch_adds_and_removes_members_renames_and_refuses_an_unknown_path(scim):
    shop, other = make_team("shop", "Shop"), make_team("depot", "Depot")
    ada, bo, cy = (make_user(team=other) for _ in range(3))
    ops = lambda *o: {"schemas": [PATCH], "Operations": list(o)}  # noqa: E731
    answer = scim.send("PATCH", f"/Groups/{shop.id}", ops(
        {"op": "add", "path": "members", "value": [{"value": str(ada.id)}, {"value": str(bo.id)}]},
        {"op": "replace", "path": "displayName", "value": "Shop floor"}))
    assert answer.status_code == 200, answer.json
    assert sorted(m["value"] for m in answer.json["members"]) == sorted([str(ada.id), str(bo.id)])
    assert db.session.get(User, ada.id).team_id == shop.id and db.session.get(Team, shop.id).name == "Shop floor"
    scim.send("PATCH", f"/Groups/{shop.id}", ops({"op": "remove", "path": f'members[value eq "{ada.id}"]'}))
    assert db.session.get(User, ada.id).team_id is None and db.session.get(User, bo.id).team_id == shop.id
    scim.send("PATCH", f"/Groups/{shop.id}", ops({"op": "remove", "path": "members",
                                                  "value": [{"value": str(bo.id)}]}))
    assert db.session.get(User, bo.id).team_id is None
    scim.send("PUT", f"/Groups/{shop.id}", {"schemas": [GROUP], "displayName": "Shop", "members": [{"value": str(cy.id)}]})
    assert [m.id for m in db.session.get(Team, shop.id).members] == [cy.id]
    bad = scim.send("PATCH", f"/Groups/{shop.id}", ops(
        {"op": "replace", "path": "displayName", "value": "Renamed"}, {"op": "replace", "path": "colour", "value": "red"}))
    assert bad.status_code == 400 and bad.json["scimType"] == "invalidPath"
    assert db.session.get(Team, shop.id).name == "Shop"
    shop_id, cy_id = shop.id, cy.id
    assert scim.send("DELETE", f"/Groups/{shop_id}", None).status_code == 204  # nothing refers to it: gone
    assert db.session.get(Team, shop_id) is None and db.session.get(User, cy_id).team_id is None
    assert scim.get("/Groups/abc").status_code == 404


def test_an_unknown_endpoint_or_method_answers_in_scim(scim, client):
    assert client.get("/scim/v2/Nothing").status_code == 401  # the token comes first
    missing = scim.get("/Nothing/here")
    assert missing.status_code == 404 and missing.json["schemas"] == [ERROR]
    wrong = scim.send("DELETE", "/Schemas", None)
    assert wrong.status_code == 405 and wrong.json["schemas"] == [ERROR]


def test_the_enterprise_department_names_the_team_and_the_manager_manages_it(scim):
    shop = make_team("shop", "Downtown shop")
    boss = make_user(email="boss@example.com")
    created = scim.send("POST", "/Users", new_user(**{
        "schemas": [USER, ENTERPRISE],
        ENTERPRISE: {"department": "downtown shop", "manager": {"value": str(boss.id)}}}))
    assert created.status_code == 201, created.json
    person = db.session.get(User, int(created.json["id"]))
    assert person.team_id == shop.id
    boss = db.session.get(User, boss.id)
    assert [t.id for t in boss.managed_teams] == [shop.id] and boss.role == "manager"
    assert created.json[ENTERPRISE]["manager"]["value"] == str(boss.id)
    assert created.json[ENTERPRISE]["department"] == "downtown shop"  # as the provider sent it
    other = make_user(email="other.boss@example.com")
    patched = scim.send("PATCH", f"/Users/{person.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": str(other.id)}]})  # as Entra ID sends it
    assert patched.status_code == 200, patched.json
    assert other.id in [m.id for m in db.session.get(Team, shop.id).managers]
    unknown = scim.send("PATCH", f"/Users/{person.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": "9999"}}]})
    assert unknown.status_code == 400 and unknown.json["scimType"] == "invalidValue"


def test_attributes_and_excluded_attributes_shape_the_answer(scim):
    person = make_user(email="ada@example.com", name="Ada Lovelace")
    only = scim.get(f"/Users/{person.id}?attributes=userName").json
    assert only["userName"] == "ada@example.com" and "name" not in only and only["id"] == str(person.id)
    without = scim.get("/Users?excludedAttributes=name,emails").json["Resources"][0]
    assert "name" not in without and "emails" not in without and without["active"] is True


def ops(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


def test_patch_keeps_and_answers_what_providers_send_with_and_without_a_path(scim):
    boss = make_user(email="boss@example.com")
    created = scim.send("POST", "/Users", new_user()).json
    path = f"/Users/{created['id']}"
    answer = scim.send("PATCH", path, ops(
        {"op": "add", "path": "title", "value": "Shift lead"},
        {"op": "add", "path": "phoneNumbers", "value": [{"value": "+1 555 0100", "type": "work"}]},
        # Entra ID: a work e-mail and a mobile number written through a filter matching nothing yet
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada@example.com"},
        {"op": "Replace", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+1 555 0199"},
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Night shift"},
        {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": str(boss.id)},
        # Entra ID: no path, attribute paths as keys, a boolean as a string
        {"op": "Replace", "value": {"name.givenName": "Augusta", "displayName": "Ada", "active": "True"}}))
    assert answer.status_code == 200, answer.json
    got = scim.get(path).json
    assert got["title"] == "Shift lead" and got["displayName"] == "Ada" and got["active"] is True
    assert got["name"] == {"givenName": "Augusta", "familyName": "Lovelace"}
    assert [(p["type"], p["value"]) for p in got["phoneNumbers"]] == [("work", "+1 555 0100"), ("mobile", "+1 555 0199")]
    assert got["emails"] == [{"value": "ada@example.com", "type": "work"}]
    assert got[ENTERPRISE] == {"department": "Night shift", "manager": {
        "value": str(boss.id), "$ref": f"http://localhost/scim/v2/Users/{boss.id}"}}
    assert db.session.get(User, int(created["id"])).name == "Augusta Lovelace"
    removed = scim.send("PATCH", path, ops(
        {"op": "remove", "path": "title"}, {"op": "remove", "path": 'phoneNumbers[type eq "work"]'},
        {"op": "remove", "path": f"{ENTERPRISE}:manager"}))
    assert removed.status_code == 200, removed.json
    got = scim.get(path).json
    assert "title" not in got and [p["type"] for p in got["phoneNumbers"]] == ["mobile"]
    assert got[ENTERPRISE] == {"department": "Night shift"}
    # PUT replaces everything: what it leaves out is gone
    scim.send("PUT", path, new_user(title="Engineer"))
    got = scim.get(path).json
    assert got["title"] == "Engineer" and "phoneNumbers" not in got and ENTERPRISE not in got


def test_a_bad_patch_answers_the_scim_error_and_changes_nothing(scim, client):
    person = scim.send("POST", "/Users", new_user(title="Lead")).json
    path = f"/Users/{person['id']}"
    before = scim.get(path).json
    cases = [
        (ops({"op": "replace", "path": "title", "value": "Boss"}, {"op": "add", "path": "password", "value": "x"}),
         400, "invalidPath"),
        (ops({"op": "replace", "path": "title", "value": "Boss"}, {"op": "add", "path": "ims", "value": [{"value": "x"}]}),
         400, "invalidPath"),
        (ops({"op": "remove", "path": "active"}), 400, "mutability"),
        (ops({"op": "remove", "path": "userName"}), 400, "mutability"),
        (ops({"op": "replace", "path": "active", "value": "perhaps"}), 400, "invalidValue"),
        (ops({"op": "frobnicate", "path": "title", "value": "x"}), 400, "invalidValue"),
        (ops({"op": "replace", "path": "title[", "value": "x"}), 400, "invalidPath"),
        (ops({"op": "replace", "path": 'emails[type eq "work"', "value": "x"}), 400, "invalidPath"),
        (ops({"op": "replace", "path": "userName", "value": "not an address"}), 400, "invalidValue"),
        (ops({"op": "replace", "path": f"{ENTERPRISE}:manager", "value": "999999"}), 400, "invalidValue"),
        (ops({"op": "replace", "path": f"{ENTERPRISE}:manager", "value": person["id"]}), 400, "invalidValue"),
        (ops({"op": "replace", "value": "not an object"}), 400, "invalidValue"),
        ({"schemas": [PATCH]}, 400, "invalidValue"),
        ({"schemas": [PATCH], "Operations": []}, 400, "invalidValue"),
        ({"schemas": [PATCH], "Operations": "replace"}, 400, "invalidValue"),
        ([1, 2], 400, "invalidSyntax"),
    ]
    for body, status, scim_type in cases:
        answer = scim.send("PATCH", path, body)
        assert (answer.status_code, answer.json.get("scimType")) == (status, scim_type), (body, answer.json)
        assert answer.json["schemas"] == [ERROR] and answer.headers["Content-Type"] == "application/scim+json"
    for raw in (b"{not json", b"\xff\xfe", b""):
        answer = client.open(f"/scim/v2{path}", method="PATCH", data=raw,
                             headers={**scim.headers, "Content-Type": "application/scim+json"})
        assert answer.status_code == 400 and answer.json["scimType"] == "invalidSyntax", raw
    assert scim.get(path).json == before


def test_bad_bodies_on_every_write_answer_the_scim_error_never_a_500_or_html(scim, client):
    team = make_team("shop", "Shop")
    person = scim.send("POST", "/Users", new_user()).json
    make_user(email="bo@example.com")
    cases = [
        ("POST", "/Users", {"schemas": [USER], "userName": "x@example.com", "favouriteColour": "red"}, 400, "invalidSyntax"),
        ("POST", "/Users", {"schemas": [USER], "userName": "x@example.com", "active": "sometimes"}, 400, "invalidValue"),
        ("POST", "/Users", {"schemas": [USER], "userName": "x@example.com", "name": {"formatted": "x" * 121}}, 400, "invalidValue"),
        ("POST", "/Users", {"schemas": [USER], "userName": "x@example.com", "externalId": "e" * 256}, 400, "invalidValue"),
        ("POST", "/Users", {"schemas": [USER], "userName": "x@example.com", "emails": "x@example.com"}, 400, "invalidValue"),
        ("POST", "/Users", ["not", "an", "object"], 400, "invalidSyntax"),
        ("PUT", f"/Users/{person['id']}", new_user("bo@example.com"), 409, "uniqueness"),
        ("PUT", f"/Users/{person['id']}", {"schemas": [USER]}, 400, "invalidValue"),
        ("POST", "/Groups", {"schemas": [GROUP]}, 400, "invalidValue"),
        ("POST", "/Groups", {"schemas": [GROUP], "displayName": "  "}, 400, "invalidValue"),
        ("POST", "/Groups", {"schemas": [GROUP], "displayName": "x", "members": [{"value": "abc"}]}, 400, "invalidValue"),
        ("PUT", f"/Groups/{team.id}", {"schemas": [GROUP], "displayName": "y" * 121}, 400, "invalidValue"),
        ("PATCH", f"/Groups/{team.id}", ops({"op": "add", "path": "members", "value": [{"value": "999999"}]}), 400, "invalidValue"),
        ("PATCH", f"/Groups/{team.id}", ops({"op": "add", "path": "owner", "value": "x"}), 400, "invalidPath"),
        ("PATCH", f"/Groups/{team.id}", ops({"op": "remove", "path": "displayName"}), 400, "mutability"),
        ("POST", "/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                              "filter": 'title co "x"'}, 400, "invalidFilter"),
        ("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                    "filter": "userName eq"}, 400, "invalidFilter"),
        ("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                    "count": "lots"}, 400, "invalidValue"),
        ("POST", "/Groups/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                     "sortBy": "members"}, 400, "invalidValue"),
    ]
    for method, path, body, status, scim_type in cases:
        answer = scim.send(method, path, body)
        assert (answer.status_code, answer.json.get("scimType")) == (status, scim_type), (method, path, body, answer.json)
        assert answer.json["schemas"] == [ERROR] and answer.headers["Content-Type"] == "application/scim+json"
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 1 and db.session.get(Team, team.id).name == "Shop"
    assert scim.get(f"/Users/{person['id']}").json["userName"] == "ada@example.com"


@pytest.mark.both_databases  # removal and search are SQL conditions: both databases
def test_delete_removes_the_person_from_provisioning_and_creating_them_again_brings_them_back(scim):
    shop = make_team("shop", "Shop")
    created = scim.send("POST", "/Users", new_user(externalId="okta-1", title="Lead")).json
    person = db.session.get(User, int(created["id"]))
    person.team = shop
    others = [make_user(team=shop) for _ in range(4)]
    db.session.commit()
    path = f"/Users/{created['id']}"
    assert scim.send("DELETE", path, None).status_code == 204
    assert db.session.get(User, person.id).session_generation == 1  # signed out at once
    kept = db.session.get(User, person.id)
    assert kept.active is False and kept.email == "ada@example.com" and kept.team_id == shop.id
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        body = new_user() if method == "PUT" else ops({"op": "replace", "path": "active", "value": True})
        answer = scim.send(method, path, body if method in ("PUT", "PATCH") else None)
        assert answer.status_code == 404 and answer.json["schemas"] == [ERROR], method
    assert scim.get('/Users?filter=userName eq "ada@example.com"').json["totalResults"] == 0
    assert scim.get('/Users?filter=externalId eq "okta-1"').json["totalResults"] == 0
    assert created["id"] not in [u["id"] for u in scim.get("/Users").json["Resources"]]
    group = scim.get(f"/Groups/{shop.id}").json
    assert sorted(m["value"] for m in group["members"]) == sorted(str(o.id) for o in others)
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.subject_id == person.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["created by provisioning", "deactivated by provisioning", "removed by provisioning"]
    # The same userName again: the same person, active again, with what the provider now says.
    again = scim.send("POST", "/Users", new_user("Ada@Example.com", externalId="okta-2"))
    assert again.status_code == 201 and again.json["id"] == created["id"], again.json
    assert again.json["active"] is True and "title" not in again.json and again.json["externalId"] == "okta-2"
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "ada@example.com")) == 1
    assert scim.get(path).status_code == 200
    assert db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.subject_id == person.id)
                              .order_by(AuditEvent.id)).all()[3:] == ["restored by provisioning",
                                                                       "reactivated by provisioning"]
    assert scim.send("POST", "/Users", new_user()).json["scimType"] == "uniqueness"


@pytest.mark.both_databases
@pytest.mark.parametrize("app_overrides", [{"SCIM_MAX_DEACTIVATE_PERCENT": 100}])
def test_deleting_a_group_deletes_an_unused_team_and_detaches_one_with_history(scim):
    empty = scim.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "Pop-up"}).json
    assert scim.send("DELETE", f"/Groups/{empty['id']}", None).status_code == 204
    assert db.session.get(Team, int(empty["id"])) is None
    parent = make_team("north", "North")
    shop = make_team("shop", "Shop", parent=parent)
    ada = make_user(team=shop)
    assert scim.send("DELETE", f"/Groups/{parent.id}", None).status_code == 204  # it has a sub-team
    kept = db.session.get(Team, parent.id)
    assert kept is not None and kept.scim_removed_at is not None
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        body = {"schemas": [GROUP], "displayName": "North"} if method == "PUT" else \
            ops({"op": "replace", "path": "displayName", "value": "N"})
        answer = scim.send(method, f"/Groups/{parent.id}", body if method in ("PUT", "PATCH") else None)
        assert answer.status_code == 404 and answer.json["schemas"] == [ERROR], method
    assert scim.get('/Groups?filter=displayName eq "North"').json["totalResults"] == 0
    assert [g["displayName"] for g in scim.get("/Groups").json["Resources"]] == ["Shop"]
    # A team someone removed by provisioning still belongs to keeps its history too.
    assert scim.send("DELETE", f"/Users/{ada.id}", None).status_code == 204
    assert scim.send("DELETE", f"/Groups/{shop.id}", None).status_code == 204
    assert db.session.get(Team, shop.id).scim_removed_at is not None
    assert db.session.get(User, ada.id).team_id == shop.id
    # Pushing a group of that name again brings the team back rather than a second one.
    again = scim.send("POST", "/Groups", {"schemas": [GROUP], "displayName": "north", "externalId": "g-1"})
    assert again.status_code == 201 and again.json["id"] == str(parent.id) and again.json["externalId"] == "g-1"
    assert db.session.get(Team, parent.id).name == "north"
    assert scim.get('/Groups?filter=externalId eq "g-1"').json["totalResults"] == 1


SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


@pytest.mark.both_databases  # removal and search are SQL conditions: both databases
def test_search_by_post_filters_pages_sorts_and_shapes_users_groups_or_both(scim):
    shop = make_team("shop", "Shop")
    people = [scim.send("POST", "/Users", new_user(f"{n}@example.com", externalId=f"x-{n}")).json
              for n in ("cy", "ada", "bo")]
    found = scim.send("POST", "/Users/.search", {"schemas": [SEARCH], "filter": 'userName eq "ADA@example.com"',
                                                 "attributes": ["userName"]})
    assert found.status_code == 200 and found.headers["Content-Type"] == "application/scim+json"
    assert found.json["totalResults"] == 1
    assert found.json["Resources"] == [{"schemas": [USER], "id": people[1]["id"], "userName": "ada@example.com"}]
    page = scim.send("POST", "/Users/.search", {"schemas": [SEARCH], "sortBy": "userName", "sortOrder": "descending",
                                                "startIndex": 2, "count": 1, "excludedAttributes": ["name", "emails"]}).json
    assert page["totalResults"] == 3 and page["startIndex"] == 2 and page["itemsPerPage"] == 1
    assert page["Resources"][0]["userName"] == "bo@example.com" and "name" not in page["Resources"][0]
    ordered = scim.get("/Users?sortBy=userName").json["Resources"]
    assert [u["userName"] for u in ordered] == ["ada@example.com", "bo@example.com", "cy@example.com"]
    groups = scim.send("POST", "/Groups/.search", {"schemas": [SEARCH], "filter": 'displayName eq "shop"'}).json
    assert [g["id"] for g in groups["Resources"]] == [str(shop.id)]
    both = scim.send("POST", "/.search", {"schemas": [SEARCH], "attributes": ["userName", "displayName"]}).json
    assert both["totalResults"] == 4
    assert [r.get("userName") or r.get("displayName") for r in both["Resources"]] == \
        ["cy@example.com", "ada@example.com", "bo@example.com", "Shop"]
    tail = scim.send("POST", "/.search", {"schemas": [SEARCH], "startIndex": 3, "count": 2}).json
    assert [r["id"] for r in tail["Resources"]] == [people[2]["id"], str(shop.id)]
    only_groups = scim.send("POST", "/.search", {"schemas": [SEARCH], "filter": 'displayName eq "Shop"'}).json
    assert only_groups["totalResults"] == 1 and only_groups["Resources"][0]["displayName"] == "Shop"
    only_users = scim.send("POST", "/.search", {"schemas": [SEARCH], "filter": 'externalId eq "x-bo"'}).json
    assert [r["id"] for r in only_users["Resources"]] == [people[2]["id"]]


def test_what_the_provider_sent_is_in_the_persons_data_export_and_erased_with_them(scim):
    from flashpoint.people.personal_data import collect, erase

    created = scim.send("POST", "/Users", new_user(externalId="okta-9", phoneNumbers=[{"value": "+1 555 0100"}])).json
    person = db.session.get(User, int(created["id"]))
    rows = {r["attribute"]: r["value"] for r in collect(person)["provisioning"]}
    assert rows["externalId"] == '"okta-9"' and "+1 555 0100" in rows["phoneNumbers"]
    person.active = False
    erase(person, by=None)
    db.session.commit()
    person = db.session.get(User, person.id)
    assert person.scim_attributes is None and person.scim_external_id is None and collect(person)["provisioning"] == []


def test_the_creation_bodies_okta_and_entra_id_send_are_taken_whole(scim):
    shop = make_team("shop", "Shop")
    boss = make_user(email="boss@example.com", team=shop)
    okta = scim.send("POST", "/Users", {
        "schemas": [USER], "userName": "ada@example.com", "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"primary": True, "value": "ada@example.com", "type": "work"}], "displayName": "Ada Lovelace",
        "locale": "en-US", "externalId": "00u1", "groups": [], "active": True})
    assert okta.status_code == 201, okta.json
    assert okta.json["locale"] == "en-US" and "groups" not in okta.json
    entra = scim.send("POST", "/Users", {
        "schemas": [USER, ENTERPRISE], "externalId": "0a1b", "userName": "bo@example.com", "active": True,
        "displayName": "Bo Berg", "meta": {"resourceType": "User"}, "title": "Baker",
        "emails": [{"primary": True, "type": "work", "value": "bo@example.com"}],
        "name": {"formatted": "Bo Berg", "familyName": "Berg", "givenName": "Bo"},
        "addresses": [{"type": "work", "locality": "Lyon", "country": "FR", "primary": False}],
        "phoneNumbers": [{"type": "mobile", "value": "+33 6 00 00 00 00"}],
        "timezone": "Europe/Paris",
        ENTERPRISE: {"employeeNumber": "42", "department": "Shop", "manager": str(boss.id)}})
    assert entra.status_code == 201, entra.json
    person = db.session.get(User, int(entra.json["id"]))
    assert person.team_id == shop.id and person.timezone == "Europe/Paris" and person.name == "Bo Berg"
    got = scim.get(f"/Users/{person.id}").json
    assert got["addresses"] == [{"type": "work", "locality": "Lyon", "country": "FR", "primary": False}]
    assert got["groups"] == [{"value": str(shop.id), "$ref": f"http://localhost/scim/v2/Groups/{shop.id}",
                              "display": "Shop", "type": "direct"}]
    assert got[ENTERPRISE]["employeeNumber"] == "42" and got[ENTERPRISE]["manager"]["value"] == str(boss.id)
    refused = scim.send("PATCH", f"/Users/{person.id}", ops({"op": "add", "path": "groups", "value": [{"value": "1"}]}))
    assert refused.status_code == 400 and refused.json["scimType"] == "mutability"


def test_an_admin_reactivating_someone_removed_by_provisioning_makes_them_provisioned_again(scim):
    from flashpoint.people.services import toggle_active

    admin = make_user("admin")
    people = [make_user() for _ in range(4)]
    assert scim.send("DELETE", f"/Users/{people[0].id}", None).status_code == 204
    assert scim.get(f"/Users/{people[0].id}").status_code == 404
    toggle_active(db.session.get(User, people[0].id), by=admin)
    db.session.commit()
    assert db.session.get(User, people[0].id).scim_removed_at is None
    toggle_active(db.session.get(User, people[0].id), by=admin)  # deactivated in the app: still seen
    db.session.commit()
    assert scim.get(f"/Users/{people[0].id}").json["active"] is False


@pytest.mark.parametrize("app_overrides", [{"MAX_CONTENT_LENGTH": 2048}])
def test_a_body_too_large_or_a_fault_is_still_a_scim_error(scim, monkeypatch):
    too_big = scim.send("POST", "/Users", new_user(title="x" * 4096))
    assert too_big.status_code == 413 and too_big.json["schemas"] == [ERROR]
    assert too_big.headers["Content-Type"] == "application/scim+json"

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr("flashpoint.people.scim.list_users", broken)
    fault = scim.get("/Users")
    assert fault.status_code == 500 and fault.json["schemas"] == [ERROR] and "a fault" not in fault.json["detail"]
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
