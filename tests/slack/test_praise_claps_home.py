"""Issue 8 in Slack: praise alerts that become stories in two clicks, claps, the App Home."""
import json

import pytest
from flask import current_app

from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.timeutil import utcnow
from recognition import signals
from recognition.feedback.models import Feedback
from recognition.praise.models import PraiseDismissal
from recognition.stories.models import Clap, HeroStory
from tests.slack.factories import make_slack_team, nomination_values, values_ids


def _praise(team, comment: str, consent: bool = False) -> Feedback:
    feedback = Feedback(external_id=f"fb-{comment[:10]}", team=team, metric="csat", score=5, comment=comment,
                        received_at=utcnow(), channel="api", consent=consent, positive=True)
    db.session.add(feedback)
    db.session.flush()
    signals.feedback_received.send(current_app._get_current_object(), items=[feedback])
    db.session.commit()
    return feedback


def _text(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


@pytest.mark.both_databases
def test_praise_alert_becomes_a_celebrated_story_in_two_clicks(app, slack, fake_slack):
    people = make_slack_team()
    values_ids()
    feedback = _praise(people.team, "Hana Hero was so kind, she found my lost keys!", consent=True)
    deliver_due(utcnow())
    alert = fake_slack.sent_messages(channel="DUMGR")
    assert len(alert) == 1
    assert "found my lost keys" in _text(alert[0].params["blocks"])
    alert_ts = alert[0].answer["ts"]

    # Click 1: "Celebrate as hero story" opens the modal prefilled.
    slack.block_action("praise_celebrate", str(feedback.id), user_id="UMGR", channel_id="DUMGR",
                       message_ts=alert_ts)
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["heroes"]["element"]["initial_users"] == ["UHERO"]
    assert blocks["feedback"]["element"]["initial_option"]["value"] == str(feedback.id)
    assert blocks["kind"]["element"]["initial_option"]["value"] in ("proactive", "recovery")
    assert blocks["values"].get("optional") is True and "initial_options" not in blocks["values"]["element"]
    assert "Hana Hero" in blocks["text"]["element"]["initial_value"]
    assert "lost keys" not in blocks["text"]["element"]["initial_value"]  # the words stay the customer's

    # Click 2: submit as prefilled. The manager manages the hero, so it is approved at once.
    state = nomination_values(
        heroes=blocks["heroes"]["element"]["initial_users"], text=blocks["text"]["element"]["initial_value"],
        kind=blocks["kind"]["element"]["initial_option"]["value"],
        value_ids=[], feedback_id=feedback.id)
    slack.view_submission("hero_nominate", state, user_id="UMGR", private_metadata=modal["private_metadata"])
    story = db.session.query(HeroStory).one()
    assert story.state == "approved" and story.feedback_id == feedback.id
    celebration = fake_slack.sent_messages(channel="#heroes")
    assert len(celebration) == 1
    assert "found my lost keys" in _text(celebration[0].params["blocks"])  # the customer consented
    update = fake_slack.calls_to("chat.update")[-1]
    assert update.params["ts"] == alert_ts and "Turned into a hero story" in _text(update.params["blocks"])


def test_celebration_leaves_out_the_customers_words_without_consent(app, slack, fake_slack):
    people = make_slack_team()
    ids = values_ids()
    feedback = _praise(people.team, "Hana Hero sorted my refund in minutes", consent=False)
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Sorted a refund in minutes.", kind="recovery", value_ids=ids[:1],
        feedback_id=feedback.id), user_id="UMGR")
    deliver_due(utcnow())
    celebration = fake_slack.sent_messages(channel="#heroes")
    assert len(celebration) == 1
    assert "refund in minutes" not in _text(celebration[0].params["blocks"]).replace("Sorted a refund in minutes.", "")
    hero_note = fake_slack.sent_messages(channel="DUHERO")
    assert any("sorted my refund" in _text(m.params["blocks"]) for m in hero_note)


def test_not_now_sets_the_praise_aside_and_says_so(app, slack, fake_slack):
    people = make_slack_team()
    feedback = _praise(people.team, "Hana Hero was brilliant")
    deliver_due(utcnow())
    alert_ts = fake_slack.sent_messages(channel="DUMGR")[0].answer["ts"]
    slack.block_action("praise_not_now", str(feedback.id), user_id="UMGR", channel_id="DUMGR",
                       message_ts=alert_ts)
    assert db.session.query(PraiseDismissal).filter_by(feedback_id=feedback.id).count() == 1
    assert "Set aside" in _text(fake_slack.calls_to("chat.update")[-1].params["blocks"])


def _celebrated_story(slack, fake_slack):
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Found a customer's keys.", kind="proactive", value_ids=ids[:1]), user_id="UMGR")
    story = db.session.query(HeroStory).one()
    ts = fake_slack.sent_messages(channel="#heroes")[0].answer["ts"]
    return story, ts


def _reaction(kind: str, user: str, ts: str, reaction: str = "clap") -> dict:
    return {"type": kind, "user": user, "reaction": reaction, "item_user": "UBOTFLASH",
            "item": {"type": "message", "channel": "CHEROES", "ts": ts}, "event_ts": "1700000200.0001"}


@pytest.mark.both_databases
def test_clap_reactions_count_once_per_person_and_retries_once(app, slack, fake_slack):
    make_slack_team()
    story, ts = _celebrated_story(slack, fake_slack)
    slack.event(_reaction("reaction_added", "UCOLL", ts), event_id="EvClap1")
    slack.event(_reaction("reaction_added", "UCOLL", ts), event_id="EvClap1", retry_num=1)
    slack.event(_reaction("reaction_added", "UCOLL", ts, "clap::skin-tone-4"), event_id="EvClap2")
    slack.event(_reaction("reaction_added", "UHERO", ts), event_id="EvClap3")
    slack.event(_reaction("reaction_added", "UMGR", ts, "tada"), event_id="EvClap4")
    claps = db.session.query(Clap).filter_by(story_id=story.id).all()
    assert sorted(c.user.slack_user_id for c in claps) == ["UCOLL", "UHERO"]
    assert {c.source for c in claps} == {"slack"}

    slack.event(_reaction("reaction_removed", "UCOLL", ts), event_id="EvClap5")
    slack.event(_reaction("reaction_removed", "UCOLL", ts), event_id="EvClap5", retry_num=1)
    assert [c.user.slack_user_id for c in db.session.query(Clap).filter_by(story_id=story.id)] == ["UHERO"]


def test_claps_on_other_messages_are_ignored(app, slack, fake_slack):
    make_slack_team()
    story, ts = _celebrated_story(slack, fake_slack)
    slack.event(_reaction("reaction_added", "UCOLL", "1600000000.000001"), event_id="EvOther")
    assert db.session.query(Clap).count() == 0
    del story


def test_app_home_shows_pending_approvals_with_working_buttons(app, slack, fake_slack):
    make_slack_team()
    ids = values_ids()
    slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text="Covered a shift at no notice.", kind="proactive", value_ids=ids[:1]),
        user_id="UCOLL")
    story = db.session.query(HeroStory).one()
    slack.event({"type": "app_home_opened", "user": "UMGR", "channel": "DUMGR", "tab": "home",
                 "event_ts": "1700000000.2"})
    home = fake_slack.calls_to("views.publish")[-1]
    assert home.params["user_id"] == "UMGR"
    text = _text(home.params["view"]["blocks"])
    assert "Pending approvals" in text and "Covered a shift" in text
    assert "story_approve" in text and "story_decline" in text and "story_edit" in text

    slack.block_action("story_approve", str(story.id), user_id="UMGR",
                       view={"id": "VHOME", "type": "home", "blocks": []})
    db.session.refresh(story)
    assert story.state == "approved"
    refreshed = _text(fake_slack.calls_to("views.publish")[-1].params["view"]["blocks"])
    assert "No hero stories are waiting for you" in refreshed
    # The DM sent earlier now shows the outcome too.
    assert "Approved by <@UMGR>" in _text(fake_slack.calls_to("chat.update")[-1].params["blocks"])


def test_app_home_shows_my_stories_with_claps_and_praise_about_me(app, slack, fake_slack):
    people = make_slack_team()
    _praise(people.team, "Hana Hero made our day")
    story, ts = _celebrated_story(slack, fake_slack)
    slack.event(_reaction("reaction_added", "UCOLL", ts))
    slack.event({"type": "app_home_opened", "user": "UHERO", "channel": "DUHERO", "tab": "home",
                 "event_ts": "1700000000.3"})
    text = _text(fake_slack.calls_to("views.publish")[-1].params["view"]["blocks"])
    assert "My hero stories" in text and "👏 1" in text and "Found a customer's keys" in text
    assert "Hana Hero made our day" in text
    assert "Pending approvals" not in text
    del story


def test_app_home_of_an_unknown_person_explains_how_to_link(app, slack, fake_slack):
    slack.event({"type": "app_home_opened", "user": "UNOBODY", "channel": "DX", "tab": "home",
                 "event_ts": "1700000000.4"})
    assert "couldn't find your Flashpoint account" in _text(fake_slack.calls_to("views.publish")[-1].params)
