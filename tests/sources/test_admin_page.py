"""/admin/sources: each source's state and the items set aside, for admins; never a credential."""
from datetime import datetime

from flashpoint.extensions import db
from recognition.feedback.sources import sync, webhooks
from recognition.feedback.sources.base import SourceError
from tests.factories import make_team, make_user
from tests.sources.fakes import item, page

NOW = datetime(2026, 3, 1, 12, 3)


def test_admins_see_each_source_its_set_aside_items_and_last_error_but_no_secret(app, client, login, fake):
    make_team("shop")
    fake["FAKE_TOKEN"] = "tok-very-secret"
    fake["FAKE_PAGES"] = [page(0, item(1), item(2, team="nowhere")), SourceError("Fake Desk answered HTML, not JSON")]
    sync.sync_source("fake", now=NOW)
    secret = webhooks.create_webhook("typeform").secret
    db.session.commit()
    login(make_user("admin"))
    response = client.get("/admin/sources")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for shown in ("Fake Desk", "fake:2", "There is no team &#39;nowhere&#39;.", "Fake Desk answered HTML, not JSON",
                  "/api/v1/webhooks/typeform", "Not configured: Zendesk, Freshdesk, Google Business Profile"):
        assert shown in html, shown
    assert "tok-very-secret" not in html and secret not in html and "sealed:" not in html
    assert 'href="/admin/sources"' in html  # in the admin's navigation


def test_only_admins_see_it(app, client, login):
    login(make_user("hr"))
    assert client.get("/admin/sources").status_code == 403
