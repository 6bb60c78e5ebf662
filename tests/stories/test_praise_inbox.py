"""The manager's praise inbox: their teams' praise, verbatim, candidates to confirm, celebrate, dismiss."""
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

from werkzeug.datastructures import MultiDict

from flashpoint.extensions import db
from recognition.praise.models import PraiseDismissal, PraiseMatch
from recognition.stories.models import HeroStory
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


class _FormDefaults(HTMLParser):
    """What a browser would send for the POST form of a page with this class if nobody touched it."""

    def __init__(self, form_class: str):
        super().__init__()
        self.form_class = form_class
        self.fields: list[tuple[str, str]] = []
        self._in_post_form = self._done = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.form_class in (a.get("class") or "").split() and not self._done:
            self._in_post_form = True
        elif self._in_post_form and tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button", "search"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif self._in_post_form and tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_post_form:
            self._in_post_form, self._done = False, True


def test_celebrating_praise_takes_two_clicks(app, client, login):
    """Click 1: *Celebrate* in the inbox opens the whole story drafted; click 2 publishes it as it is."""
    team = make_team("shop", "The Shop")
    manager = make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Priya found the right size for my daughter, so patient!")
    login(manager)
    inbox = client.get("/praise").get_data(as_text=True)
    href = re.search(r'href="(/heroes/new\?[^"]+)"', inbox).group(1).replace("&amp;", "&")
    form_page = client.get(href)                                           # click 1
    html = form_page.get_data(as_text=True)
    assert "Celebrate now" in html
    parser = _FormDefaults("nominate-form")
    parser.feed(html)
    sent = parser.fields
    assert ("heroes", str(priya.id)) in sent and ("feedback_id", str(feedback.id)) in sent
    assert not any(name == "values" for name, _ in sent)  # no value chosen, and none needed
    text = dict(sent)["text"]
    assert "Priya Sharma" in text and "The Shop" in text
    assert "right size" not in text  # the customer's words stay on the feedback, quoted by the rules
    response = client.post(href.split("?")[0], data=MultiDict(sent))                # click 2
    assert response.status_code == 302
    story = db.session.scalar(db.select(HeroStory))
    assert story.state == "approved" and story.heroes == [priya] and story.feedback_id == feedback.id
    assert story.text == text.strip()


def test_a_draft_for_someone_elses_people_is_a_nomination(app, client, login):
    """HR celebrating a store's praise sends it to the store's manager: the button says so."""
    team = make_team("shop")
    make_manager(team, name="Maya Lindqvist")
    priya = make_user(team=team, name="Priya Sharma")
    feedback = customer_says(team, "Priya was wonderful today")
    login(make_user("hr", name="Harriet HR"))
    html = client.get(f"/heroes/new?feedback={feedback.id}&hero={priya.id}").get_data(as_text=True)
    assert "Celebrate now" not in html and ">Nominate<" in html
    assert "Priya Sharma made a customer&#39;s day" in html
