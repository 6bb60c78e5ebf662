"""The Bolt app at POST /slack/events: signatures, retries, start-up without Slack, the parser trap."""
import json
import time

import pytest

from flashpoint import create_app
from slack_bot.models import SlackEvent
from tests.factories import make_team, make_user
from tests.slack.helpers import closed_port_url, slack_settings


def test_bad_signature_is_refused(app, slack):
    response = slack.command("/hero", "thanks", user_id="UX", secret="not-the-secret")
    assert response.status_code == 401


def test_stale_timestamp_is_refused(app, slack, fake_slack):
    response = slack.command("/hero", "thanks", user_id="UX", timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert fake_slack.calls_to("views.open") == []


def test_unknown_person_gets_a_helpful_private_answer(app, slack, fake_slack):
    response = slack.command("/hero", "", user_id="UNOBODY")
    assert response.status_code == 200
    answers = fake_slack.calls_to("response")
    assert len(answers) == 1
    assert "couldn't find your Flashpoint account" in answers[0].params["text"]
    assert answers[0].params["response_type"] == "ephemeral"
    assert fake_slack.calls_to("views.open") == []


def test_person_is_matched_by_email_and_the_slack_id_is_kept(app, slack, fake_slack):
    user = make_user(email="ana@example.test", name="Ana Lima", password=None)
    fake_slack.add_user("UANA", email="Ana@Example.test")
    slack.command("/hero", "", user_id="UANA")
    assert len(fake_slack.calls_to("views.open")) == 1
    from flashpoint.extensions import db

    db.session.refresh(user)
    assert user.slack_user_id == "UANA"
    slack.command("/hero", "", user_id="UANA")
    assert len(fake_slack.calls_to("users.info")) == 1  # the second time is a lookup


def test_a_command_whose_text_says_payload_still_opens_the_modal(app, slack, fake_slack):
    make_user(slack_user_id="UWRITER", password=None)
    response = slack.command("/hero", "fixed the payload parser for a customer", user_id="UWRITER",
                             channel_name="payload-team")
    assert response.status_code == 200
    opened = fake_slack.calls_to("views.open")
    assert len(opened) == 1
    text_block = next(b for b in opened[0].params["view"]["blocks"] if b.get("block_id") == "text")
    assert text_block["element"]["initial_value"] == "fixed the payload parser for a customer"


@pytest.mark.both_databases
def test_a_retried_event_is_handled_once(app, slack, fake_slack):
    make_user(slack_user_id="UHOME", password=None)
    event = {"type": "app_home_opened", "user": "UHOME", "channel": "DHOME", "tab": "home",
             "event_ts": "1700000000.1"}
    slack.event(event, event_id="Ev0001")
    slack.event(event, event_id="Ev0001", retry_num=1)
    slack.event(event, event_id="Ev0001", retry_num=2)
    assert len(fake_slack.calls_to("views.publish")) == 1
    from flashpoint.extensions import db

    assert db.session.query(SlackEvent).filter_by(event_id="Ev0001").count() == 1


def test_the_web_app_starts_and_serves_pages_when_slack_is_unreachable(make_config):
    app = create_app(make_config(**slack_settings_unreachable()))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def slack_settings_unreachable():
    return {"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": closed_port_url(),
            "SLACK_API_TIMEOUT": 1}


def test_without_slack_settings_there_is_no_slack_endpoint(make_config):
    app = create_app(make_config())
    assert app.test_client().post("/slack/events", data="x").status_code == 404


def test_slack_socket_explains_a_missing_app_token(app, runner):
    result = runner.invoke(args=["slack-socket"])
    assert result.exit_code != 0
    assert "SLACK_APP_TOKEN is not set" in result.output


def test_slack_can_verify_the_request_url(app, slack):
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    response = slack.post(body, content_type="application/json")
    assert response.status_code == 200
    assert response.get_json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_listener_modules_are_discovered_from_the_package():
    from slack_bot.app import discover_listener_modules

    names = {module.__name__.rsplit(".", 1)[-1] for module in discover_listener_modules()}
    assert names == {"actions", "commands", "events", "home", "shortcuts", "views"}


@pytest.mark.postgres
def test_copies_of_an_event_arriving_at_once_are_handled_once(app, fake_slack):
    """Two workers receiving the same event together: the unique event_id lets one through."""
    import threading

    from tests.slack.helpers import SlackRequests

    make_user(slack_user_id="UHOME", password=None)
    from flashpoint.extensions import db

    db.session.commit()
    event = {"type": "app_home_opened", "user": "UHOME", "channel": "DHOME", "tab": "home",
             "event_ts": "1700000000.1"}
    start = threading.Barrier(4)
    statuses = []

    def deliver(retry):
        with app.app_context():
            sender = SlackRequests(app, app.test_client(), response_base=fake_slack.root_url)
            start.wait()
            statuses.append(sender.event(event, event_id="EvSame", retry_num=retry).status_code)
            db.session.remove()

    threads = [threading.Thread(target=deliver, args=(n or None,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200, 200]
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert db.session.query(SlackEvent).filter_by(event_id="EvSame").count() == 1


def test_hero_help_explains_the_command_privately(app, slack, fake_slack):
    make_user(slack_user_id="UHELP", password=None)
    slack.command("/hero", "help", user_id="UHELP")
    answer = fake_slack.calls_to("response")[0].params
    assert answer["response_type"] == "ephemeral" and "/hero @ana" in answer["text"]
    assert fake_slack.calls_to("views.open") == []
