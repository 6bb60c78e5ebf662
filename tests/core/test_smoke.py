"""The shell starts, answers its health check and lets people sign in."""
import pytest

from tests.factories import make_team, make_user


@pytest.mark.both_databases
def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_sign_in_then_home_shows_navigation_for_role(client, login):
    admin = make_user("admin", name="Ada Admin")
    login(admin)
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Ada" in page
    assert "/admin/people" in page and "/admin/outbox" in page


def test_staff_gets_403_on_admin_pages(client, login):
    staff = make_user("staff", make_team())
    login(staff)
    assert client.get("/admin/people").status_code == 403
    assert client.get("/admin/outbox").status_code == 403
