"""The demo's sources: a webhook with deliveries taken in and one item set aside, on /admin/sources."""
from flashpoint.demo import DEMO_PASSWORD
from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from recognition.feedback.sources.models import FeedbackSetAside, FeedbackSource
from tests.conftest import csrf_token_from


def test_the_demo_has_a_webhook_with_deliveries_and_an_item_set_aside(demo_app):
    source = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == "typeform"))
    assert (source.kind, source.items_taken, source.items_set_aside) == ("webhook", 4, 1)
    assert source.last_success_at is not None and source.last_error is None and source.secret_sealed
    assert db.session.scalar(db.select(db.func.count(Feedback.id)).where(Feedback.external_id.like("typeform:%"))) == 4
    [aside] = db.session.scalars(db.select(FeedbackSetAside)).all()
    assert aside.source == "typeform" and "pop-up-market" in aside.reason
    client = demo_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "admin@demo.flashpoint.test", "password": DEMO_PASSWORD, "csrf_token": token})
    page = client.get("/admin/sources").get_data(as_text=True)
    assert "typeform" in page and "pop-up-market" in page
