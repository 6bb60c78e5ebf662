"""A modal always opens or says why: when Slack refuses views.open (the 3-second trigger has
expired), the person who asked hears it privately, through the response_url or a DM."""
import pytest
from flask import current_app

from flashpoint.extensions import db
from recognition import signals
from recognition.feedback.models import Feedback
from flashpoint.timeutil import utcnow
from tests.slack.factories import make_slack_team, values_ids

EXPIRED = {"ok": False, "error": "expired_trigger_id"}


def told(fake_slack, channel: str | None = None) -> str:
    """What the person was told privately: the response_url answer, else a DM."""
    answers = [c.params["text"] for c in fake_slack.calls_to("response")]
    answers += [c.params["text"] for c in fake_slack.sent_messages(channel=channel)] if channel else []
    assert len(answers) == 1, answers
    return answers[0]


@pytest.mark.parametrize("command", ["/hero", "/idea"])
def test_a_command_whose_modal_cannot_open_in_time_says_so(app, slack, fake_slack, command):
    make_slack_team()
    fake_slack.script("views.open", body=EXPIRED)
    assert slack.command(command, "fixed the till", user_id="UCOLL").status_code == 200
    assert len(fake_slack.calls_to("views.open")) == 1
    text = told(fake_slack)
    assert "try again" in text and "3 seconds" in text
    assert fake_slack.calls_to("response")[0].params["response_type"] == "ephemeral"


def test_the_nominate_shortcut_whose_modal_cannot_open_says_so(app, slack, fake_slack):
    make_slack_team()
    fake_slack.script("views.open", body=EXPIRED)
    slack.message_shortcut("nominate_hero", user_id="UCOLL", message_text="Fixed it!", message_user="UHERO")
    assert "try again" in told(fake_slack)


def test_the_celebrate_button_whose_modal_cannot_open_says_so(app, slack, fake_slack):
    people = make_slack_team()
    values_ids()
    feedback = Feedback(external_id="fb-kind", team=people.team, metric="csat", score=5, positive=True,
                        comment="Hana Hero was so kind", received_at=utcnow(), channel="api", consent=True)
    db.session.add(feedback)
    db.session.flush()
    signals.feedback_received.send(current_app._get_current_object(), items=[feedback])
    db.session.commit()
    fake_slack.script("views.open", body=EXPIRED)
    slack.block_action("praise_celebrate", str(feedback.id), user_id="UMGR", channel_id="DUMGR")
    assert "try again" in told(fake_slack)


def test_without_a_response_url_the_person_gets_a_dm(app, slack, fake_slack):
    make_slack_team()
    fake_slack.script("views.open", body=EXPIRED)
    slack.shortcut("nominate_hero", user_id="UCOLL")
    dms = fake_slack.sent_messages(channel="UCOLL")
    assert len(dms) == 1 and "try again" in dms[0].params["text"]


def test_other_refusals_of_views_open_also_say_why(app, slack, fake_slack):
    make_slack_team()
    fake_slack.script("views.open", status=500)
    slack.command("/hero", "", user_id="UCOLL")
    assert "could not be opened" in told(fake_slack)
