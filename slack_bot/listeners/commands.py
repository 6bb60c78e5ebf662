"""Slash commands: `/hero` and `/idea` open their modals, prefilled from what was typed."""
from slack_bolt import App

from slack_bot.answers import command_person
from slack_bot.app import in_app_context
from slack_bot.flows.ideas import open_idea_modal
from slack_bot.flows.stories import open_nomination
from slack_bot.payloads import asks_for_help, parse_hero_command

HERO_HELP = (
    "*Tell a colleague's hero story*\n"
    "• `/hero` opens the form.\n"
    "• `/hero @ana @ben stayed late to fix a customer's order` fills in the heroes and the story.\n"
    "• On any message: ⋯ → *Nominate as hero story* starts a story about its author.\n"
    "Their manager approves it, then it is celebrated in the heroes channel."
)


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.command("/hero")
    @with_context
    def hero_command(ack, body, client, respond):
        ack()
        person = command_person(body, client, respond)
        if person is None:
            return
        if asks_for_help(body.get("text")):
            respond(text=HERO_HELP, response_type="ephemeral")
            return
        slack_ids, text = parse_hero_command(body.get("text", ""))
        open_nomination(client, body, respond, person, hero_slack_ids=slack_ids, text=text)

    @bolt_app.command("/idea")
    @with_context
    def idea_command(ack, body, client, respond):
        ack()
        person = command_person(body, client, respond)
        if person is None:
            return
        open_idea_modal(client, body, respond, person, " ".join((body.get("text") or "").split()))
