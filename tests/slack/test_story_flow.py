"""The whole story in Slack: /hero → modal → submission → approver DM → Approve → celebration."""
import json
from datetime import timedelta

import pytest

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.models import Notification
from flashpoint.timeutil import utcnow
from recognition.stories.models import HeroStory
from tests.slack.factories import make_slack_team, nomination_values, values_ids


def _blocks_text(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_hero_command_prefills_the_modal_from_mentions_and_text(app, slack, fake_slack):
    people = make_slack_team()
    slack.command("/hero", "<@UHERO|hana> <@UMGR> stayed late for <@UMGR|maya>'s customer",
                  user_id="UCOLL")
    view = fake_slack.calls_to("views.open")[0].params["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["heroes"]["element"]["initial_users"] == ["UHERO", "UMGR"]
    assert blocks["text"]["element"]["initial_value"] == "stayed late for @maya's customer"
    assert view["callback_id"] == "hero_nominate"
    assert len(view["title"]["text"]) <= 24 and view["submit"]["text"] == "Nominate"
    del people


def test_message_shortcut_prefills_the_message_text_and_its_author(app, slack, fake_slack):
    make_slack_team()
    slack.message_shortcut("nominate_hero", user_id="UCOLL", message_user="UHERO",
                           message_text="Just drove the spare part to the customer myself")
    view = fake_slack.calls_to("views.open")[0].params["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["heroes"]["element"]["initial_users"] == ["UHERO"]
    assert blocks["text"]["element"]["initial_value"] == "Just drove the spare part to the customer myself"


def test_invalid_nomination_shows_errors_in_the_modal_and_stores_nothing(app, slack, fake_slack):
    make_slack_team()
    ids = values_ids()
    response = slack.view_submission("hero_nominate", nomination_values(
        heroes=["UCOLL"], text="", kind=None, value_ids=ids[:1]), user_id="UCOLL")
    answer = response.get_json()
    assert answer["response_action"] == "errors"
    assert "yourself" in answer["errors"]["heroes"]
    assert "Tell the story" in answer["errors"]["text"]
    assert "kind" in answer["errors"]
    assert db.session.query(HeroStory).count() == 0


@pytest.mark.both_databases
def test_nominated_approved_and_celebrated_exactly_once(app, slack, fake_slack):
    people = make_slack_team()
    ids = values_ids()
    slack.command("/hero", "<@UHERO|hana> drove the spare part over herself", user_id="UCOLL")
    assert len(fake_slack.calls_to("views.open")) == 1

    response = slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Drove the spare part over herself on a Sunday.", kind="proactive",
        value_ids=ids[:2]), user_id="UCOLL")
    assert response.get_json()["response_action"] == "update"
    story = db.session.query(HeroStory).one()
    assert story.state == "pending" and story.approver_id == people.manager.id

    # The approver's DM: opened with conversations.open, posted with the three buttons.
    dm = fake_slack.sent_messages(channel="DUMGR")
    assert len(dm) == 1
    action_ids = [e["action_id"] for b in dm[0].params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert action_ids == ["story_approve", "story_edit", "story_decline"]
    ts = db.session.query(Notification).filter_by(kind="story.approval_request").one().external_ref["ts"]

    slack.block_action("story_approve", str(story.id), user_id="UMGR", channel_id="DUMGR", message_ts=ts)
    db.session.refresh(story)
    assert story.state == "approved" and story.decided_by_id == people.manager.id
    updates = fake_slack.calls_to("chat.update")
    assert len(updates) == 1
    assert updates[0].params["ts"] == ts and updates[0].params["channel"] == "DUMGR"
    assert "Approved by <@UMGR>" in _blocks_text(updates[0].params["blocks"])
    assert "story_approve" not in _blocks_text(updates[0].params["blocks"])

    celebration = fake_slack.sent_messages(channel="#heroes")
    assert len(celebration) == 1
    text = _blocks_text(celebration[0].params["blocks"])
    assert "<@UHERO>" in text and "Drove the spare part over herself" in text
    assert "http://flashpoint.test/heroes/%d" % story.id in text
    assert len(fake_slack.sent_messages(channel="DUHERO")) == 1

    # A second click, and later delivery runs, change nothing.
    slack.block_action("story_approve", str(story.id), user_id="UMGR", channel_id="DUMGR", message_ts=ts)
    assert "Already approved by Maya Manager" in fake_slack.calls_to("response")[-1].params["text"]
    deliver_due(utcnow())
    assert len(fake_slack.sent_messages(channel="#heroes")) == 1
    assert len(fake_slack.sent_messages(channel="DUHERO")) == 1
    assert len(fake_slack.sent_messages(channel="DUMGR")) == 1


def test_decline_asks_for_a_reason_and_updates_the_request(app, slack, fake_slack):
    people = make_slack_team()
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer", kind="recovery", value_ids=ids[:1]), user_id="UCOLL")
    story = db.session.query(HeroStory).one()
    ts = fake_slack.sent_messages(channel="DUMGR")[0].answer["ts"]

    slack.block_action("story_decline", str(story.id), user_id="UMGR", channel_id="DUMGR", message_ts=ts)
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    assert modal["callback_id"] == "hero_decline"

    empty = slack.view_submission("hero_decline", {"reason": {"reason": {"type": "plain_text_input", "value": None}}},
                                  user_id="UMGR", private_metadata=modal["private_metadata"])
    assert empty.get_json()["response_action"] == "errors"
    slack.view_submission("hero_decline", {"reason": {"reason": {"type": "plain_text_input",
                                                                 "value": "Already celebrated last week"}}},
                          user_id="UMGR", private_metadata=modal["private_metadata"])
    db.session.refresh(story)
    assert story.state == "declined" and story.decline_reason == "Already celebrated last week"
    update = fake_slack.calls_to("chat.update")[-1]
    assert "Declined by <@UMGR>: Already celebrated last week" in _blocks_text(update.params["blocks"])
    assert fake_slack.sent_messages(channel="#heroes") == []
    del people


def test_someone_else_cannot_approve_from_a_forwarded_button(app, slack, fake_slack):
    make_slack_team()
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer", kind="proactive", value_ids=ids[:1]), user_id="UCOLL")
    story = db.session.query(HeroStory).one()
    slack.block_action("story_approve", str(story.id), user_id="UCOLL")
    db.session.refresh(story)
    assert story.state == "pending"
    assert "may not decide" in fake_slack.calls_to("response")[-1].params["text"]


def test_edit_opens_the_modal_prefilled_and_saves_changes(app, slack, fake_slack):
    make_slack_team()
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer", kind="proactive", value_ids=ids[:1]), user_id="UCOLL")
    story = db.session.query(HeroStory).one()
    slack.block_action("story_edit", str(story.id), user_id="UMGR")
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["text"]["element"]["initial_value"] == "Helped a customer"
    assert blocks["kind"]["element"]["initial_option"]["value"] == "proactive"
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer find the right size", kind="proactive", value_ids=ids[:2]),
        user_id="UMGR", private_metadata=modal["private_metadata"])
    db.session.refresh(story)
    assert story.text == "Helped a customer find the right size" and story.state == "pending"
    assert "find the right size" in _blocks_text(fake_slack.calls_to("chat.update")[-1].params["blocks"])


def test_a_story_decided_on_the_web_updates_the_slack_request_on_the_next_tick(app, slack, fake_slack, runner):
    from recognition.stories.approvals import approve

    people = make_slack_team()
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer", kind="proactive", value_ids=ids[:1]), user_id="UCOLL")
    story = db.session.query(HeroStory).one()
    approve(story, people.manager)
    db.session.commit()
    assert fake_slack.calls_to("chat.update") == []
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    update = fake_slack.calls_to("chat.update")
    assert len(update) == 1 and "Approved by <@UMGR>" in _blocks_text(update[0].params["blocks"])
    runner.invoke(args=["tick", "--now", (utcnow() + timedelta(minutes=5)).isoformat()])
    assert len(fake_slack.calls_to("chat.update")) == 1  # settled: never rewritten again


def test_a_hero_without_an_account_is_named_as_a_modal_error(app, slack, fake_slack):
    make_slack_team()
    ids = values_ids()
    response = slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO", "UOUTSIDER"], text="Helped a customer", kind="proactive", value_ids=ids[:1]),
        user_id="UCOLL")
    answer = response.get_json()
    assert answer["response_action"] == "errors"
    assert "no Flashpoint account yet" in answer["errors"]["heroes"]
    assert db.session.query(HeroStory).count() == 0


def test_the_values_offered_on_first_use_can_be_submitted(app, slack, fake_slack):
    make_slack_team()  # the default values, as a new install has them
    slack.command("/hero", "<@UHERO>", user_id="UCOLL")
    view = fake_slack.calls_to("views.open")[0].params["view"]
    offered = next(b for b in view["blocks"] if b.get("block_id") == "values")["element"]["options"]
    response = slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Helped a customer", kind="proactive", value_ids=[int(offered[0]["value"])]),
        user_id="UCOLL")
    assert response.get_json()["response_action"] == "update"
    assert db.session.query(HeroStory).count() == 1
