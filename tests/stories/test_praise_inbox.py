"""The manager's praise inbox: their teams' praise, verbatim, candidates to confirm, celebrate, dismiss."""
from urllib.parse import parse_qs, urlparse

from flashpoint.extensions import db
from recognition.praise.models import PraiseDismissal, PraiseMatch
from tests.factories import make_manager, make_team, make_user
from tests.stories.factories import customer_says, notes


def test_inbox_lists_praise_for_managed_teams_and_sub_teams_newest_first(app, client, login):
    stores = make_team("stores", "Stores")
    shop = make_team("shop", "The Shop", parent=stores)
    care = make_team("care", "Care")
    head = make_manager(stores, name="Harriet Head")
    make_user(team=shop, name="Priya Sharma")
    make_user(team=care, name="Kenji Tanaka")
    customer_says(shop, "Priya found my size, first visit")
    customer_says(shop, "Priya again, second visit")
    customer_says(care, "Kenji was great on the phone")
    login(head)
    html = client.get("/praise").get_data(as_text=True)
    assert html.index("second visit") < html.index("first visit")
    assert "Kenji was great" not in html
    assert "Priya Sharma" in html


def test_inbox_is_for_managers_and_hr_only(app, client, login):
    team = make_team("shop")
    login(make_user(team=team, name="Sam Okafor"))
    assert client.get("/praise").status_code == 403


def test_hr_sees_all_teams_praise(app, client, login):
    team = make_team("shop")
    make_user(team=team, name="Priya Sharma")
    customer_says(team, "Priya was wonderful")
    login(make_user("hr", name="Harriet HR"))
    assert "Priya was wonderful" in client.get("/praise").get_data(as_text=True)


def test_praise_naming_nobody_is_under_all_positive_feedback(app, client, login):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    customer_says(team, "Great shop, quick service")
    login(manager)
    assert "Great shop" not in client.get("/praise").get_data(as_text=True)
    assert "Great shop" in client.get("/praise?show=all").get_data(as_text=True)


def test_verbatim_words_are_redacted_and_escaped(app, client, login):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Priya Sharma")
    customer_says(team, "Priya <script>alert(1)</script> call 07700 900123", consent=True)
    login(manager)
    html = client.get("/praise").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "[phone]" in html and "07700" not in html


def test_manager_confirms_a_candidate_who_is_then_told(app, client, login, post_form):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    garcia = make_user(team=team, name="Sofia Garcia")
    rossi = make_user(team=team, name="Sofia Rossi")
    feedback = customer_says(team, "Sofia was so kind")
    login(manager)
    html = client.get("/praise").get_data(as_text=True)
    assert "Who did they mean?" in html and "Sofia Garcia" in html and "Sofia Rossi" in html
    response = post_form(f"/praise/{feedback.id}/confirm", {"user_id": rossi.id}, page="/praise")
    assert response.status_code == 302
    rows = db.session.scalars(db.select(PraiseMatch).where(PraiseMatch.feedback_id == feedback.id)).all()
    assert [(m.user_id, m.confirmed) for m in rows] == [(rossi.id, True)]
    assert len(notes("praise.customer_said", recipient=rossi)) == 1
    assert notes("praise.customer_said", recipient=garcia) == []


def test_a_manager_of_another_team_cannot_confirm_or_dismiss(app, client, login, post_form):
    team = make_team("shop")
    other = make_team("other")
    make_user(team=team, name="Sofia Garcia")
    rossi = make_user(team=team, name="Sofia Rossi")
    feedback = customer_says(team, "Sofia was so kind")
    login(make_manager(other, name="Omar Other"))
    post_form(f"/praise/{feedback.id}/confirm", {"user_id": rossi.id}, page="/praise")
    post_form(f"/praise/{feedback.id}/dismiss", {}, page="/praise")
    assert db.session.scalar(db.select(PraiseMatch).where(PraiseMatch.confirmed.is_(True))) is None
    assert db.session.scalar(db.select(PraiseDismissal)) is None


def test_dismiss_hides_the_item_and_undo_brings_it_back(app, client, login, post_form):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Priya was wonderful")
    login(manager)
    response = post_form(f"/praise/{feedback.id}/dismiss", {}, page="/praise", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Priya was wonderful" not in html and "Undo" in html
    assert "Priya was wonderful" in client.get("/praise?show=dismissed").get_data(as_text=True)
    post_form(f"/praise/{feedback.id}/undismiss", {}, page="/praise")
    assert "Priya was wonderful" in client.get("/praise").get_data(as_text=True)


def test_celebrate_opens_the_nomination_prefilled(app, client, login):
    team = make_team("shop")
    manager = make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Despite the mix-up Priya sorted it out")
    login(manager)
    html = client.get("/praise").get_data(as_text=True)
    import re

    href = re.search(r'href="(/heroes/new\?[^"]+)"', html).group(1).replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert query == {"feedback": [str(feedback.id)], "hero": [str(priya.id)], "kind": ["recovery"]}
    form = client.get(href).get_data(as_text=True)
    assert f'name="heroes" value="{priya.id}" checked' in form
    assert 'name="kind" value="recovery" checked' in form
    assert f'name="feedback_id" type="hidden" value="{feedback.id}"' in form
    assert "Despite the mix-up Priya sorted it out" in form
