"""Modal submissions: the nomination, the decline reason, an idea, a pulse's answers.

Each one answers Slack through `ack()` (errors under the blocks, or the modal replaced) before
any work that may wait on the Web API (refreshing messages, delivering notes).
"""
from slack_bolt import App

from slack_bot.answers import unknown_person_text
from slack_bot.app import in_app_context
from slack_bot.blocks.ideas import SUBMIT_CALLBACK as IDEA_CALLBACK
from slack_bot.blocks.pulses import SUBMIT_CALLBACK as PULSE_CALLBACK
from slack_bot.blocks.pulses import message_view
from slack_bot.blocks.stories import DECLINE_CALLBACK, NOMINATE_CALLBACK
from slack_bot.flows import errors, ideas, stories
from slack_bot.flows.pulses import submit_pulse
from slack_bot.messages import deliver_now
from slack_bot.payloads import (acting_slack_id, idea_form, metadata, nomination_form, optional_int, state_values,
                                text_value)
from slack_bot.people import person_for_slack_user


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.view(NOMINATE_CALLBACK)
    @with_context
    def nomination_submitted(ack, body, view, client):
        slack_id = acting_slack_id(body)
        person = person_for_slack_user(slack_id, client)
        if person is None:
            ack(**errors({"heroes": unknown_person_text(slack_id)[:150]}))
            return
        form = nomination_form(view)
        answer, story = stories.save_nomination(person, form, client)
        ack(**answer)
        if story is not None:
            stories.after_saving(client, story, form.meta, person,
                                 settled_as="✅ Turned into a hero story by <@%s>" % slack_id)

    @bolt_app.view(DECLINE_CALLBACK)
    @with_context
    def decline_submitted(ack, body, view, client):
        person = person_for_slack_user(acting_slack_id(body), client)
        meta = metadata(view)
        answer, story = stories.save_decline(person, meta, text_value(state_values(view), "reason", "reason"))
        ack(**answer)
        if story is not None:
            stories.after_saving(client, story, meta, person)

    @bolt_app.view(IDEA_CALLBACK)
    @with_context
    def idea_submitted(ack, body, view, client):
        slack_id = acting_slack_id(body)
        person = person_for_slack_user(slack_id, client)
        if person is None:
            ack(**errors({"title": unknown_person_text(slack_id)[:150]}))
            return
        answer, idea = ideas.submit_idea(person, idea_form(view), flask_app.config["BASE_URL"])
        ack(**answer)
        if idea is not None:
            deliver_now()

    @bolt_app.view(PULSE_CALLBACK)
    @with_context
    def pulse_submitted(ack, body, view):
        slack_id = acting_slack_id(body)
        person = person_for_slack_user(slack_id)
        cycle_id = optional_int(view.get("private_metadata"))
        if person is None or cycle_id is None:
            ack(response_action="update", view=message_view("Pulse", unknown_person_text(slack_id)))
            return
        ack(**submit_pulse(person, cycle_id, state_values(view)))
