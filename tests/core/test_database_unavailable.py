"""A lost database connection is a 503 with Retry-After and the friendly page, and the next request works."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from flashpoint.extensions import db
from tests.factories import make_team, make_user


@contextmanager
def database_down(app, statements: int | None = None):
    """Every statement (or the next `statements`) fails as a dropped connection does."""
    left = {"n": statements}
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, context, executemany):
        if left["n"] is None or left["n"] > 0:
            if left["n"] is not None:
                left["n"] -= 1
            raise OperationalError(statement, parameters, Exception("server closed the connection unexpectedly"))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


@pytest.mark.both_databases
def test_a_page_during_an_outage_is_a_503_with_retry_after_and_the_next_request_recovers(app, client, login):
    staff = make_user("staff", make_team(), name="Sam Staff")
    login(staff)
    db.session.commit()
    with database_down(app):
        response = client.get("/")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "try again" in page and "Traceback" not in page and "OperationalError" not in page
    after = client.get("/")
    assert after.status_code == 200 and "Sam" in after.get_data(as_text=True)


def test_a_connection_lost_in_the_middle_of_a_page_is_a_503_with_the_site_layout(app, client, login):
    staff = make_user("staff", make_team(), name="Sam Staff")
    login(staff)
    db.session.commit()
    with database_down(app, statements=1):
        response = client.get("/ideas")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "try again" in response.get_data(as_text=True)
    assert client.get("/ideas").status_code == 200


def test_the_api_answers_503_json_with_retry_after(app, client):
    with database_down(app):
        response = client.get("/api/v1/openapi.json")
        feedback = client.post("/api/v1/feedback", json={}, headers={"Authorization": "Bearer x"})
    assert feedback.status_code == 503 and feedback.headers["Retry-After"]
    assert feedback.get_json()["error"] == "Service Unavailable"
    assert response.status_code in (200, 503)
