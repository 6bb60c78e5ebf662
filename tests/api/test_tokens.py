"""API tokens: made by create-api-token or the admin page, stored hashed, listed and revoked by admins."""
import hashlib

from flashpoint.api.models import ApiToken
from flashpoint.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_team, make_user

ITEM = {"external_id": "t-1", "received_at": "2026-01-05T10:00:00Z", "team": "shop", "metric": "csat", "score": 4}


def test_create_api_token_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(runner, client):
    make_team("shop")
    result = runner.invoke(args=["create-api-token", "Zendesk export", "--scope", "feedback:write",
                                 "--scope", "insights:read"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("fp_") and " " not in token and len(token) > 40
    row = db.session.scalar(db.select(ApiToken))
    assert row.name == "Zendesk export" and row.scopes == ["feedback:write", "insights:read"]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(row.__dict__) and token.startswith(row.prefix)
    response = client.post("/api/v1/feedback", json=ITEM, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_create_api_token_refuses_an_unknown_scope_or_none(runner):
    result = runner.invoke(args=["create-api-token", "x", "--scope", "everything"])
    assert result.exit_code != 0 and "everything" in result.output
    result = runner.invoke(args=["create-api-token", "x"])
    assert result.exit_code != 0 and "--scope" in result.output
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_admin_creates_a_token_on_the_page_sees_it_once_and_can_revoke_it(client, login, post_form):
    make_team("shop")
    login(make_user("admin"))
    page = post_form("/admin/api-tokens", {"name": "Survey tool", "scopes": ["feedback:write"]})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = html.split('class="token-value" size="60"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert token.startswith("fp_")
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "Survey tool" in listing and token not in listing and token[:10] in listing
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/feedback", json=ITEM, headers=auth).status_code == 201
    row = db.session.scalar(db.select(ApiToken))
    revoked = client.post(f"/admin/api-tokens/{row.id}/revoke", data={"csrf_token": csrf_token_from(listing)})
    assert revoked.status_code == 302
    response = client.post("/api/v1/feedback", json={**ITEM, "external_id": "t-2"}, headers=auth)
    assert response.status_code == 401
    assert "revoked" in client.get("/admin/api-tokens").get_data(as_text=True)


def test_a_token_needs_a_name_and_a_scope_on_the_page(login, post_form):
    login(make_user("admin"))
    page = post_form("/admin/api-tokens", {"name": "", "scopes": []})
    html = page.get_data(as_text=True)
    assert "Choose at least one scope." in html and "Name the token, so you know later what uses it." in html
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_only_admins_see_the_token_page(client, login):
    login(make_user("hr"))
    assert client.get("/admin/api-tokens").status_code == 403
    assert client.post("/admin/api-tokens/1/revoke").status_code in (400, 403)
