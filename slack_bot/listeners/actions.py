"""Buttons: deciding on a story, answering a praise alert, starting a pulse, opening a link.

The approver's Approve / Edit / Decline, the praise alert's "Celebrate as hero story" / "Not now",
a pulse's *Start*, and the link buttons (acknowledged only).
"""
from slack_bolt import App

from slack_bot.app import in_app_context
from slack_bot.blocks.pulses import START_ACTION
from slack_bot.flows import stories
from slack_bot.flows.pulses import open_pulse
from slack_bot.payloads import int_value, optional_int


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.action("story_approve")
    @with_context
    def approve_clicked(ack, body, action, client, respond):
        ack()
        stories.approve_from_button(client, body, respond, int_value(action.get("value")))

    @bolt_app.action("story_decline")
    @with_context
    def decline_clicked(ack, body, action, client, respond):
        ack()
        stories.open_decline(client, body, respond, int_value(action.get("value")))

    @bolt_app.action("story_edit")
    @with_context
    def edit_clicked(ack, body, action, client, respond):
        ack()
        stories.open_edit(client, body, respond, int_value(action.get("value")))

    @bolt_app.action("praise_celebrate")
    @with_context
    def celebrate_praise(ack, body, action, client, respond):
        ack()
        stories.celebrate_praise(client, body, respond, int_value(action.get("value")))

    @bolt_app.action("praise_not_now")
    @with_context
    def praise_not_now(ack, body, action, client, respond):
        ack()
        stories.set_praise_aside(client, body, respond, int_value(action.get("value")))

    @bolt_app.action(START_ACTION)
    @with_context
    def pulse_start_clicked(ack, body, action, client, respond):
        ack()
        open_pulse(client, body, respond, optional_int(action.get("value")))

    # Buttons that only open a URL still reach the app; acknowledging them keeps Slack quiet.
    @bolt_app.action("open_link")
    @bolt_app.action("open_secret_link")
    def acknowledge_link(ack):
        ack()
