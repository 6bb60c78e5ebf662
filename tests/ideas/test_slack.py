"""Ideas through Slack: `/idea` → modal → idea; follow-ups as DMs; the celebration; App Home —
and an anonymous author named in no Slack call."""
import json
from datetime import timedelta

import pytest

from engagement.ideas.models import Idea
from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.timeutil import utcnow
from tests.factories import make_manager, make_team, make_user
from tests.ideas.factories import move
from tests.slack.helpers import fake_slack, slack, slack_settings  # noqa: F401  (fixtures)

SECRET_NAME = "Zelda Quillfeather"
SECRET_EMAIL = "zelda.quillfeather@example.test"


@pytest.fixture
def app_overrides(fake_slack):
    return slack_settings(fake_slack)


@pytest.fixture
def people(app):
    team = make_team("shop", "Downtown Shop")
    make_team("online", "Online Shop")
    boss = make_manager(team, name="Maya Boss", slack_user_id="UBOSS", password=None)
    zelda = make_user("staff", team, name=SECRET_NAME, email=SECRET_EMAIL, slack_user_id="UZELDA", password=None)
    fan = make_user("staff", team, name="Fay Fan", slack_user_id="UFAN", password=None)
    return boss, zelda, fan


def _submission(title=None, *, team="shop", kind="idea", anonymous=False, description=None, tags=None):
    return {
        "title": {"title": {"type": "plain_text_input", "value": title}},
        "description": {"description": {"type": "plain_text_input", "value": description}},
        "kind": {"kind": {"type": "radio_buttons", "selected_option":
                          {"text": {"type": "plain_text", "text": kind}, "value": kind}}},
        "team": {"team": {"type": "static_select", "selected_option":
                          {"text": {"type": "plain_text", "text": team}, "value": team} if team else None}},
        "tags": {"tags": {"type": "plain_text_input", "value": tags}},
        "anonymous": {"anonymous": {"type": "checkboxes", "selected_options": [
            {"text": {"type": "plain_text", "text": "Post anonymously"}, "value": "yes"}] if anonymous else []}},
    }


def test_idea_command_opens_a_modal_prefilled_with_the_text(people, slack, fake_slack):
    response = slack.command("/idea", "  Bowls of water   for dogs ", user_id="UZELDA")
    assert response.status_code == 200
    view = fake_slack.calls_to("views.open")[0].params["view"]
    assert view["callback_id"] == "idea_submit" and len(view["title"]["text"]) <= 24
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Bowls of water for dogs"
    # The own team is offered first but not chosen: an anonymous idea must not default to it.
    assert blocks["team"]["element"]["options"][0]["value"] == "shop"
    assert "initial_option" not in blocks["team"]["element"]
    assert {o["value"] for o in blocks["kind"]["element"]["options"]} == {"idea", "obstacle"}


def test_the_word_payload_in_the_command_text_still_opens_the_modal(people, slack, fake_slack):
    slack.command("/idea", "show the payload weight on delivery notes", user_id="UZELDA")
    view = fake_slack.calls_to("views.open")[0].params["view"]
    assert view["blocks"][0]["element"]["initial_value"] == "show the payload weight on delivery notes"


def test_an_unknown_slack_user_is_told_how_to_get_an_account(people, slack, fake_slack):
    slack.command("/idea", "hello", user_id="UNOBODY")
    assert fake_slack.calls_to("views.open") == []
    assert "couldn't find your Flashpoint account" in fake_slack.calls_to("response")[0].params["text"]


def test_an_empty_title_or_missing_team_shows_errors_in_the_modal_and_stores_nothing(people, slack):
    answer = slack.view_submission("idea_submit", _submission(None), user_id="UZELDA").get_json()
    assert answer == {"response_action": "errors", "errors": {"title": "Give your idea a title."}}
    answer = slack.view_submission("idea_submit", _submission("x" * 151), user_id="UZELDA").get_json()
    assert "at most 150 characters" in answer["errors"]["title"]
    answer = slack.view_submission("idea_submit", _submission("Fine", team=None), user_id="UZELDA").get_json()
    assert answer["errors"] == {"team": "Choose the team it concerns."}
    assert db.session.scalar(db.select(db.func.count(Idea.id))) == 0


def test_anonymous_idea_from_slack_follow_ups_and_celebration_never_name_the_author(
        people, slack, fake_slack, app):
    boss, zelda, fan = people
    response = slack.view_submission("idea_submit", _submission(
        "Greet regulars by name", anonymous=True, description="They love it.", tags="greeting"), user_id="UZELDA")
    answer = response.get_json()
    assert answer["response_action"] == "update" and "shown to nobody" in json.dumps(answer["view"])
    idea = db.session.scalar(db.select(Idea))
    assert idea.anonymous and idea.submitter == zelda and idea.owner == boss and idea.tag_names == ["greeting"]
    # The owner hears hours later, so the message does not date the idea to the minute.
    assert not fake_slack.sent_messages(channel="DUBOSS")

    from engagement.ideas import votes
    votes.vote(idea, fan)
    db.session.commit()
    move(idea, boss, "planned", "Badges ordered for the regulars' cards.")
    move(idea, boss, "implemented", "Live at every till.", implementers=[fan, boss])
    deliver_due(utcnow() + timedelta(hours=4, minutes=1))
    assert fake_slack.sent_messages(channel="DUBOSS")

    dms = fake_slack.sent_messages(channel="DUZELDA")
    assert len(dms) == 2
    assert "Badges ordered" in json.dumps(dms[0].params["blocks"])
    assert "Live at every till." in json.dumps(dms[1].params["blocks"])
    assert len(fake_slack.sent_messages(channel="DUFAN")) == 2
    [party] = fake_slack.sent_messages(channel="#heroes")
    party_text = json.dumps(party.params["blocks"])
    assert "Proposed anonymously" in party_text and "<@UFAN>" in party_text and "<@UBOSS>" in party_text

    # Everyone's App Home: the author sees her idea; nobody's Home names her.
    for user_id in ("UZELDA", "UBOSS", "UFAN"):
        slack.event({"type": "app_home_opened", "user": user_id, "tab": "home", "channel": "D" + user_id})
    homes = {c.params["user_id"]: json.dumps(c.params["view"]) for c in fake_slack.calls_to("views.publish")}
    assert "My ideas" in homes["UZELDA"] and "Greet regulars by name" in homes["UZELDA"]
    assert "implemented" in homes["UZELDA"]
    assert "Waiting for you" not in homes["UBOSS"]  # implemented: nothing waits any more

    # Only her own App Home greets her by name ("Hi Zelda"): it is shown to her alone.
    for call in [c for c in fake_slack.calls if c.params.get("user_id") != "UZELDA"]:
        seen = json.dumps(call.params, ensure_ascii=False)
        for secret in (SECRET_NAME, "Zelda", "Quillfeather", SECRET_EMAIL):
            assert secret not in seen, (call.method, seen[max(0, seen.find(secret) - 300):seen.find(secret) + 100])


def test_the_owner_home_lists_ideas_waiting_for_them(people, slack, fake_slack):
    boss, zelda, fan = people
    slack.view_submission("idea_submit", _submission("Shade over the queue outside"), user_id="UFAN")
    slack.event({"type": "app_home_opened", "user": "UBOSS", "tab": "home", "channel": "DUBOSS"})
    home = json.dumps(fake_slack.calls_to("views.publish")[-1].params["view"])
    assert "Waiting for you" in home and "Shade over the queue outside" in home
