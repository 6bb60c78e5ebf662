"""Shortcuts: ⋯ → *Nominate as hero story* on a message starts a story about its author."""
from slack_bolt import App

from slack_bot.answers import acting_person
from slack_bot.app import in_app_context
from slack_bot.flows.stories import open_nomination
from slack_bot.payloads import parse_hero_command


def register(bolt_app: App, flask_app) -> None:
    @bolt_app.shortcut("nominate_hero")
    @in_app_context(flask_app)
    def nominate_from_message(ack, body, client, respond):
        ack()
        person = acting_person(client, body, respond)
        if person is None:
            return
        message = body.get("message") or {}
        author = message.get("user")
        open_nomination(client, body, respond, person,
                        hero_slack_ids=[author] if author else [],
                        text=parse_hero_command(message.get("text", ""))[1])
