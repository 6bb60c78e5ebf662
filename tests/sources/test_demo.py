"""The demo's sources: a webhook with deliveries taken in, on /admin/sources."""
from flashpoint.demo import DEMO_PASSWORD
from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource
from tests.conftest import csrf_token_from


def test_the_demo_has_a_webhook_with_deliveries(demo_app):
    source = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == "typeform"))
    assert (source.kind, source.items_taken, source.items_set_aside) == ("webhook", 4, 0)
    assert source.last_success_at is not None and source.last_error is None and source.secret_sealed
    assert db.session.scalar(db.select(db.func.count(Feedback.id)).where(Feedback.external_id.like("typeform:%"))) == 4
    # A webhook refuses a bad item with a 400; only pulled sources keep items aside.
    assert db.session.scalars(db.select(FeedbackSetAside)).all() == []
    client = demo_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "admin@demo.flashpoint.test", "password": DEMO_PASSWORD, "csrf_token": token})
    page = client.get("/admin/sources").get_data(as_text=True)
    assert "typeform" in page and "4" in page
