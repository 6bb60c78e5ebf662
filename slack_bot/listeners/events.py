"""Events API: a 👏 (`clap`) reaction added to or removed from a celebration is one person's clap."""
from slack_bolt import App

from slack_bot.app import in_app_context
from slack_bot.flows.stories import clap_on_message
from slack_bot.payloads import reacted_message

CLAP_REACTIONS = {"clap"}


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.event("reaction_added")
    @with_context
    def reaction_added(event, client, logger):
        message = reacted_message(event, CLAP_REACTIONS)
        if message is not None:
            clap_on_message(client, logger, *message, event.get("user"), added=True)

    @bolt_app.event("reaction_removed")
    @with_context
    def reaction_removed(event, client, logger):
        message = reacted_message(event, CLAP_REACTIONS)
        if message is not None:
            clap_on_message(client, logger, *message, event.get("user"), added=False)
