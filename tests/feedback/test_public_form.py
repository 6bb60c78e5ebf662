"""The public form /f/<slug>: no login, one item per post, honeypot, CSRF, rate limit, escaping."""
from flashpoint.extensions import db
from recognition.feedback.models import Feedback
from tests.conftest import csrf_token_from
from tests.factories import make_team, make_user
from tests.feedback.factories import all_feedback


def test_form_asks_the_team_metric_as_a_fieldset_of_radio_buttons(client):
    make_team("shop", "The Shop", form_metric="nps")
    page = client.get("/f/shop")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<fieldset" in html and "<legend>How likely are you to recommend us" in html
    assert html.count('type="radio" name="score"') == 11  # NPS 0..10
    assert 'name="helper_name"' in html and "Who helped you today?" in html
    assert "May we share your words on our team" in html and "s wall of thanks?" in html
    assert 'name="csrf_token"' in html


def test_unknown_team_slug_answers_404_and_stores_nothing(client):
    assert client.get("/f/nowhere").status_code == 404
    assert client.post("/f/nowhere", data={"score": "5"}).status_code == 404
    assert all_feedback() == []


def test_sending_the_form_stores_one_item_and_thanks_the_customer(client, post_form, announced):
    team = make_team("shop", form_metric="csat")
    response = post_form("/f/shop", {"score": "5", "comment": "Lovely visit", "helper_name": "Amara",
                                     "consent": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/f/shop/thanks")
    [item] = all_feedback()
    assert (item.team_id, item.metric, item.score, item.channel) == (team.id, "csat", 5, "form")
    assert item.external_id.startswith("form-") and item.helper_name == "Amara"
    assert item.consent is True and item.positive is True
    assert announced == [item.external_id]
    assert "Thank you!" in client.get("/f/shop/thanks").get_data(as_text=True)


def test_consent_is_false_unless_ticked(post_form):
    make_team("shop")
    post_form("/f/shop", {"score": "2", "comment": "Slow"})
    [item] = all_feedback()
    assert item.consent is False and item.positive is False


def test_honeypot_filled_gets_thanks_and_nothing_is_stored(post_form, announced):
    make_team("shop")
    response = post_form("/f/shop", {"score": "5", "comment": "buy pills", "website": "http://spam.example"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    assert all_feedback() == [] and announced == []


def test_missing_rating_and_out_of_range_score_are_refused_with_a_message(post_form):
    make_team("shop")
    page = post_form("/f/shop", {"comment": "no score"})
    assert page.status_code == 400 and "Please choose a rating." in page.get_data(as_text=True)
    page = post_form("/f/shop", {"score": "9"})  # CSAT runs 1..5
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)
    assert all_feedback() == []


def test_a_20000_character_comment_is_refused_and_the_words_are_kept_in_the_form(post_form):
    make_team("shop")
    page = post_form("/f/shop", {"score": "4", "comment": "x" * 20_000})
    assert page.status_code == 400
    assert "Please keep it under 5,000 characters." in page.get_data(as_text=True)
    assert all_feedback() == []


def test_a_post_without_csrf_token_is_refused_with_a_friendly_message(client):
    make_team("shop")
    page = client.post("/f/shop", data={"score": "5"})
    assert page.status_code == 400
    assert "This page was open too long" in page.get_data(as_text=True)
    assert all_feedback() == []


def test_script_in_the_comment_is_stored_as_text_and_shown_escaped(client, post_form, login):
    make_team("shop")
    evil = '<script>alert("x")</script><b>bold</b>'
    post_form("/f/shop", {"score": "5", "comment": evil, "helper_name": "<img src=x onerror=alert(1)>"})
    [item] = all_feedback()
    assert item.comment == evil
    login(make_user("hr"))
    html = client.get("/feedback").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_eleventh_post_in_a_minute_from_one_address_gets_429_with_retry_after(client):
    make_team("shop")
    token = csrf_token_from(client.get("/f/shop").get_data(as_text=True))
    for n in range(10):
        response = client.post("/f/shop", data={"score": "4", "comment": f"visit {n}", "csrf_token": token})
        assert response.status_code == 302, n
    response = client.post("/f/shop", data={"score": "4", "csrf_token": token})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Back to the form" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 10
    # Another address is not held back.
    other = client.post("/f/shop", data={"score": "4", "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302


def test_reading_the_form_is_not_rate_limited(client):
    make_team("shop")
    assert all(client.get("/f/shop").status_code == 200 for _ in range(15))
