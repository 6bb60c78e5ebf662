"""Pulses in Slack: the invitation DM with Start, the modal, the anonymous submission, refusals."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engagement.pulses.models import PulseAnswer, PulseComment, PulseCycle, PulseParticipation, PulseSealedAnswers
from flashpoint.extensions import db
from flashpoint.outbox.delivery import deliver_due
from flashpoint.timeutil import utcnow
from tests.factories import make_team, make_user
from tests.slack.helpers import fake_slack, slack, slack_settings  # noqa: F401  (fixtures)


@pytest.fixture
def app_overrides(fake_slack):
    return slack_settings(fake_slack)


def modal_values(view: dict, agree: str = "4", enps: str = "9", comment: str | None = None) -> dict:
    values = {}
    for block in view["blocks"]:
        if block.get("type") != "input" or block["block_id"] == "comment":
            continue
        element = block["element"]
        chosen = enps if element["type"] == "static_select" else agree
        values[block["block_id"]] = {"answer": {"type": element["type"],
                                                "selected_option": {"value": chosen, "text": {"type": "plain_text", "text": chosen}}}}
    values["comment"] = {"comment": {"type": "plain_text_input", "value": comment}}
    return values


def open_team_pulse(runner):
    team = make_team("desk", "Help Desk")
    person = make_user("staff", team, slack_user_id="UPULSE", password=None)
    for _ in range(2):
        make_user("staff", team, password=None)
    result = runner.invoke(args=["pulse-now", "--team", "desk"])
    assert result.exit_code == 0, result.output
    return team, person, db.session.scalar(sa.select(PulseCycle))


def test_the_invitation_dm_has_a_start_button_that_opens_the_questions(app, runner, slack, fake_slack):
    team, person, cycle = open_team_pulse(runner)
    deliver_due(utcnow())
    dm = fake_slack.sent_messages()[0]
    buttons = [e for b in dm.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    start = next(b for b in buttons if b["action_id"] == "pulse_start")
    assert start["value"] == str(cycle.id)
    assert any(b.get("url", "").startswith("http://flashpoint.test/pulse/") for b in buttons)

    slack.block_action("pulse_start", str(cycle.id), user_id="UPULSE", channel_id="DUPULSE")
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    assert view["callback_id"] == "pulse_submit" and view["private_metadata"] == str(cycle.id)
    questions = [b for b in view["blocks"] if b["type"] == "input" and b["block_id"] != "comment"]
    assert len(questions) == len(cycle.items)
    assert len(view["title"]["text"]) <= 24


def test_submitting_the_modal_stores_answers_anonymously_and_only_once(app, runner, slack, fake_slack):
    team, person, cycle = open_team_pulse(runner)
    slack.block_action("pulse_start", str(cycle.id), user_id="UPULSE", channel_id="DUPULSE")
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    response = slack.view_submission("pulse_submit", modal_values(view, comment="Slack is handy"),
                                     user_id="UPULSE", private_metadata=str(cycle.id))
    assert response.status_code == 200
    assert response.get_json()["response_action"] == "update"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseSealedAnswers)) == 1
    assert db.session.scalar(sa.select(PulseComment.body)) == "Slack is handy"
    assert db.session.scalar(sa.select(PulseParticipation.answered).where(
        PulseParticipation.user_id == person.id)) is True

    again = slack.view_submission("pulse_submit", modal_values(view), user_id="UPULSE",
                                  private_metadata=str(cycle.id))
    assert "already answered" in str(again.get_json())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseSealedAnswers)) == 1
    # Start again after answering: told so privately, no modal.
    opened = len(fake_slack.calls_to("views.open"))
    slack.block_action("pulse_start", str(cycle.id), user_id="UPULSE", channel_id="DUPULSE")
    assert len(fake_slack.calls_to("views.open")) == opened


def test_a_missing_answer_is_shown_on_its_question_and_nothing_is_stored(app, runner, slack, fake_slack):
    team, person, cycle = open_team_pulse(runner)
    slack.block_action("pulse_start", str(cycle.id), user_id="UPULSE", channel_id="DUPULSE")
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    values = modal_values(view)
    first = next(iter(k for k in values if k.startswith("q")))
    values[first] = {"answer": {"type": "radio_buttons", "selected_option": None}}
    response = slack.view_submission("pulse_submit", values, user_id="UPULSE", private_metadata=str(cycle.id))
    body = response.get_json()
    assert body["response_action"] == "errors" and first in body["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseSealedAnswers)) == 0


def test_someone_not_invited_cannot_open_or_submit_the_pulse(app, runner, slack, fake_slack):
    team, person, cycle = open_team_pulse(runner)
    make_user("staff", make_team("elsewhere"), slack_user_id="UOTHER", password=None)
    slack.block_action("pulse_start", str(cycle.id), user_id="UOTHER", channel_id="DUOTHER")
    assert fake_slack.calls_to("views.open") == []
    response = slack.view_submission("pulse_submit", {}, user_id="UOTHER", private_metadata=str(cycle.id))
    assert "not sent to you" in str(response.get_json())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PulseSealedAnswers)) == 0


def test_the_app_home_offers_the_open_pulse(app, runner):
    from slack_bot.home import home_view

    team, person, cycle = open_team_pulse(runner)
    blocks = home_view(person)["blocks"]
    starts = [b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == "pulse_start"]
    assert starts and starts[0]["value"] == str(cycle.id)
