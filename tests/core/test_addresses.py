"""Where links point: pages follow the address a request came in on while BASE_URL is unset; messages
use BASE_URL, and admins are warned while that is a loopback address nobody else can reach."""
from datetime import datetime

import pytest

from flashpoint.config import Config
from recognition.feedback.poster import qr_code
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_team, make_user

NOW = datetime(2026, 12, 7, 9, 0)


def _sign_in_at(client, user, base_url: str) -> None:
    """Sign in through the form on the given address (the session cookie belongs to that host)."""
    token = csrf_token_from(client.get("/login", base_url=base_url).get_data(as_text=True))
    response = client.post("/login", base_url=base_url,
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


class TestBaseUrlUnset:
    @pytest.fixture
    def app_overrides(self):
        return {"BASE_URL": "http://127.0.0.1:5000", "BASE_URL_CONFIGURED": False}

    def test_the_poster_and_its_code_lead_where_the_manager_opened_the_app(self, client):
        shop = make_team("shop")
        _sign_in_at(client, make_user("manager", shop, manages=shop), "http://shop-pc:8000")
        at = {"base_url": "http://shop-pc:8000"}
        html = client.get("/teams/shop/poster", **at).get_data(as_text=True)
        assert "http://shop-pc:8000/f/shop" in html and "127.0.0.1" not in html
        svg = client.get("/teams/shop/qr.svg", **at).data
        assert svg == qr_code("http://shop-pc:8000/f/shop", "svg")[0]
        assert "http://shop-pc:8000/f/shop" in client.get("/teams/shop", **at).get_data(as_text=True)

    def test_a_poster_opened_on_a_loopback_address_warns_before_printing(self, client):
        shop = make_team("shop")
        _sign_in_at(client, make_user("manager", shop, manages=shop), "http://127.0.0.1:5000")
        html = client.get("/teams/shop/poster", base_url="http://127.0.0.1:5000").get_data(as_text=True)
        assert "only works on this computer" in html and 'role="alert"' in html

    def test_the_admin_is_told_that_messages_would_link_to_a_loopback_address(self, client, login):
        login(make_user("admin"))
        html = client.get("/admin").get_data(as_text=True)
        assert "Links in Slack messages and e-mails point at http://127.0.0.1:5000" in html
        assert "BASE_URL is not set" in html and "Needs attention" in html

    def test_the_api_document_names_no_loopback_server(self, client):
        assert client.get("/api/v1/openapi.json").get_json()["servers"] == [{"url": "/"}]


class TestBehindAProxy:
    @pytest.fixture
    def app_overrides(self):
        return {"BASE_URL_CONFIGURED": False, "TRUSTED_PROXIES": 1}

    def test_the_poster_uses_the_address_the_proxy_received(self, client, login):
        shop = make_team("shop")
        login(make_user("manager", shop, manages=shop))
        html = client.get("/teams/shop/poster", headers={
            "X-Forwarded-Host": "feedback.shop.example", "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True)
        assert "https://feedback.shop.example/f/shop" in html
        assert "only works on this computer" not in html


def test_a_set_base_url_wins_over_the_request_address(client):
    shop = make_team("shop")
    _sign_in_at(client, make_user("manager", shop, manages=shop), "http://10.0.0.5:8000")
    html = client.get("/teams/shop/poster", base_url="http://10.0.0.5:8000").get_data(as_text=True)
    assert "http://flashpoint.test/f/shop" in html and "10.0.0.5" not in html


def test_a_public_base_url_needs_no_warning(client, login):
    login(make_user("admin"))
    html = client.get("/admin").get_data(as_text=True)
    assert "Slack messages and e-mails link to http://flashpoint.test." in html
    assert "point at" not in html


def test_only_admins_see_the_set_up_overview(client, login):
    login(make_user("hr"))
    assert client.get("/admin").status_code == 403


def test_the_overview_says_whether_the_scheduler_has_been_running(app):
    from flashpoint.core.addresses import setup_checks
    from flashpoint.extensions import db
    from flashpoint.scheduler import DutyClaim

    def scheduler_line():
        return next(check for check in setup_checks(NOW) if check.name == "Scheduler")

    assert not scheduler_line().ok and "No duty has run yet" in scheduler_line().detail
    db.session.add(DutyClaim(duty="outbox_delivery", slot=datetime(2026, 12, 7, 7, 0),
                             claimed_at=datetime(2026, 12, 7, 7, 0)))
    db.session.commit()
    assert not scheduler_line().ok and "2026-12-07 07:00" in scheduler_line().detail
    db.session.add(DutyClaim(duty="outbox_delivery", slot=datetime(2026, 12, 7, 8, 58),
                             claimed_at=datetime(2026, 12, 7, 8, 58)))
    db.session.commit()
    assert scheduler_line().ok


def test_messages_follow_where_make_run_serves_until_base_url_is_set(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("FLASHPOINT_SERVED_AT", "http://127.0.0.1:8123")
    config = Config()
    assert config.BASE_URL == "http://127.0.0.1:8123" and not config.BASE_URL_CONFIGURED
    monkeypatch.setenv("BASE_URL", "https://flashpoint.shop.example/")
    config = Config()
    assert config.BASE_URL == "https://flashpoint.shop.example" and config.BASE_URL_CONFIGURED
