"""No user text reaches Slack as markup: every user field, hostile, through every Slack surface.

People, teams, values, stories, decline reasons, ideas, customer feedback and notification texts
all carry `<!channel>`, `<!here>`, `<@U123>`, `<#C1>`, `<http://x|y>` and a bare `&`. Every
notification kind is delivered, every interaction run; then every Slack call the fake Slack
recorded, and every modal answered to Slack, is searched wherever Slack reads mrkdwn (a message's
`text`, and each `mrkdwn` text object). None may hold them unescaped.
"""
import json
import time

import pytest
from flask import current_app

from engagement.ideas import workflow
from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.outbox.services import record_notification
from flashpoint.timeutil import utcnow
from recognition.feedback.models import Feedback
from recognition.stories.approvals import nominate
from recognition.stories.models import CompanyValue, HeroStory
from tests.factories import make_manager, make_team, make_user
from tests.ideas.factories import make_idea
from tests.slack.factories import nomination_values
from tests.slack.helpers import slack_settings

HOSTILE = "Go <!channel> <!here> <@U123> <#C1> <http://x|y> AT&T"
# Story texts refuse HTML-like tags (`<!channel>` among them) but not these.
STORY_HOSTILE = "Go <@U123> <#C1> AT&T"
RAW = ("<!channel>", "<!here>", "<@U123>", "<#C1>", "<http://x|y>", "AT&T")

# Kinds recorded by services that have no builder of their own (they get the default blocks).
OTHER_KINDS = ("story.decided", "digest.manager", "pulse.comment_reply", "praise.customer_said",
               "account.invitation", "account.password_reset", "account.not_signed_in")


@pytest.fixture
def app_overrides(fake_slack):
    # Slack's pace is beside the point here: let every message out at once.
    return slack_settings(fake_slack, SLACK_POSTS_PER_MINUTE=100000, SLACK_POST_BURST=1000,
                          SLACK_CHANNEL_POSTS_PER_SECOND=1000, SLACK_OPENS_PER_MINUTE=100000, SLACK_OPEN_BURST=1000)


def deliver_everything() -> None:
    for _ in range(100):
        outcome = deliver_due(utcnow())
        if not outcome:
            return
        if set(outcome) == {"deferred"}:
            time.sleep(0.02)


def mrkdwn_texts(params) -> list[str]:
    """What Slack reads as markup in one call: the message's `text` and every mrkdwn object."""
    found = [params["text"]] if isinstance(params.get("text"), str) else []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in params.items() if k != "text"})
    return found


def unescaped(texts) -> list[str]:
    return [f"{token!r} in {text!r}" for text in texts for token in RAW if token in text]


def test_escape_is_the_one_place_user_text_is_made_safe():
    from slack_bot.blocks.common import escape

    assert escape(HOSTILE) == ("Go &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C1&gt; "
                               "&lt;http://x|y&gt; AT&amp;T")
    assert not unescaped([escape(HOSTILE)])


def test_no_user_field_reaches_any_slack_call_as_markup(app, slack, fake_slack):
    team = make_team(name=f"Store {HOSTILE}")
    manager = make_manager(team, name=f"Maya {HOSTILE}", slack_user_id="UMGR", password=None)
    hero = make_user(team=team, name="Hana Hero", slack_user_id="UHERO", password=None)
    olga = make_user(team=team, name=f"Olga {HOSTILE}", password=None)  # not on Slack: named as text
    make_user(team=team, name=f"Cole {HOSTILE}", slack_user_id="UCOLL", password=None)
    outsider = make_user(team=make_team(), name=f"Otto {HOSTILE}", slack_user_id="UOTTO", password=None)
    db.session.add(CompanyValue(name=f"Care {HOSTILE}"[:80], position=0))
    db.session.commit()
    value_ids = [v.id for v in db.session.query(CompanyValue).filter(CompanyValue.name.like("Care%"))]
    answers = []  # what our own HTTP answers to Slack held (modal updates, errors)

    def record(response):
        if response.is_json:
            answers.append(response.get_json())
        return response

    # A nomination through Slack: the modal, its confirmation, the approval request.
    record(slack.command("/hero", HOSTILE, user_id="UCOLL"))
    record(slack.view_submission("hero_nominate", nomination_values(
        heroes=["UHERO"], text=f"Story {STORY_HOSTILE}", kind="proactive", value_ids=value_ids), user_id="UCOLL"))
    assert answers[-1].get("response_action") == "update", answers[-1]
    story = db.session.query(HeroStory).one()
    # A second story with a hero off Slack, declined with a hostile reason.
    other = nominate(make_user(team=team, name=f"Nina {HOSTILE}", slack_user_id="UNINA", password=None),
                     [olga.id, hero.id], f"Second {STORY_HOSTILE}", "recovery", value_ids)
    db.session.commit()
    deliver_everything()
    ts = fake_slack.sent_messages(channel="DUMGR")[0].answer["ts"]

    record(slack.block_action("story_approve", str(story.id), user_id="UMGR", channel_id="DUMGR", message_ts=ts))
    record(slack.block_action("story_approve", str(story.id), user_id="UOTTO", channel_id="DUOTTO"))
    record(slack.block_action("story_decline", str(other.id), user_id="UMGR", channel_id="DUMGR", message_ts=ts))
    modal = fake_slack.calls_to("views.open")[-1].params["view"]
    record(slack.view_submission("hero_decline", {"reason": {"reason": {"type": "plain_text_input",
                                                                        "value": f"Because {STORY_HOSTILE}"}}},
                                 user_id="UMGR", private_metadata=modal["private_metadata"]))
    record(slack.block_action("story_edit", str(other.id), user_id="UOTTO", channel_id="DUOTTO"))
    record(slack.block_action("story_approve", str(other.id), user_id="UHERO", channel_id="DUHERO"))

    # Praise with a hostile comment: the alert, "Celebrate", "Not now".
    feedback = Feedback(external_id="fb-hostile", team=team, metric="csat", score=5, received_at=utcnow(),
                        comment=f"Hana Hero was kind {HOSTILE}", channel="api", consent=True, positive=True)
    db.session.add(feedback)
    db.session.commit()
    alert = record_notification("praise.manager_alert", f"Praise {HOSTILE}", f"Text {HOSTILE}", recipient=manager,
                                quote=f"Quote {HOSTILE}", link="/praise",
                                extra={"feedback_id": feedback.id, "hero_ids": [hero.id]})
    db.session.commit()
    deliver_everything()
    alert_ts = alert.external_ref["ts"]
    record(slack.block_action("praise_celebrate", str(feedback.id), user_id="UMGR", channel_id="DUMGR",
                              message_ts=alert_ts))
    record(slack.block_action("praise_not_now", str(feedback.id), user_id="UMGR", channel_id="DUMGR",
                              message_ts=alert_ts))

    # An idea through Slack, then its life: assigned, status changes, implemented and celebrated.
    record(slack.command("/idea", HOSTILE, user_id="UCOLL"))
    idea = make_idea(olga, team, title=f"Idea {HOSTILE}"[:150], description=f"Desc {HOSTILE}",
                     tags=f"tag {HOSTILE}"[:100])
    workflow.change_status(idea, manager, "under review", f"Looking {HOSTILE}")
    workflow.change_status(idea, manager, "implemented", f"Done {HOSTILE}")
    db.session.commit()

    # Every notification kind, hostile in every field, about the hostile story, idea and praise.
    kinds = set(current_app.extensions["slack_bot.builders"]) | set(OTHER_KINDS)
    for kind in sorted(kinds):
        extra = {"story_id": story.id, "story_ids": [story.id, other.id], "idea_id": idea.id,
                 "feedback_id": feedback.id, "hero_ids": [hero.id], "status": f"s {HOSTILE}"}
        for target in ({"recipient": manager}, {"channel": "#heroes"}):
            record_notification(kind, f"Subject {HOSTILE}", f"Text {HOSTILE}\nMore {HOSTILE}",
                                quote=f"Quote {HOSTILE}", link="/heroes", extra=extra, **target)
    db.session.commit()
    deliver_everything()

    # Every App Home.
    for user_id in ("UMGR", "UHERO", "UCOLL", "UOTTO", "UNINA"):
        slack.event({"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home",
                     "event_ts": "1700000000.1"}, event_id=f"EvHome{user_id}")

    calls = [c for c in fake_slack.calls if c.method != "conversations.open"]
    methods = {c.method for c in calls}
    assert {"chat.postMessage", "chat.update", "views.open", "views.publish", "response"} <= methods
    assert len(fake_slack.sent_messages()) >= 2 * len(kinds)
    problems = [f"{c.method}: {p}" for c in calls for p in unescaped(mrkdwn_texts(c.params))]
    problems += [f"answer: {p}" for a in answers for p in unescaped(mrkdwn_texts(a))]
    assert problems == [], "\n".join(problems)
    # The texts are there, escaped: shown as typed, never as markup.
    everything = json.dumps([c.params for c in calls])
    assert "&lt;!channel&gt;" in everything and "AT&amp;T" in everything
    del outsider


def test_a_slack_id_that_is_not_one_is_never_a_mention(app):
    from slack_bot.blocks.common import mention

    assert mention(make_user(name="Ana", slack_user_id="UANA1", password=None)) == "<@UANA1>"
    odd = make_user(name="Ben & co", slack_user_id="U1>|<!channel", password=None)
    assert mention(odd) == "Ben &amp; co"
