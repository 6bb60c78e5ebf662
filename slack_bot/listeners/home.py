"""The App Home tab: rebuilt and published each time someone opens it."""
from slack_bolt import App

from slack_bot.answers import unknown_person_text
from slack_bot.app import in_app_context
from slack_bot.blocks.home import unknown_home
from slack_bot.home import publish_home
from slack_bot.people import person_for_slack_user


def register(bolt_app: App, flask_app) -> None:
    @bolt_app.event("app_home_opened")
    @in_app_context(flask_app)
    def home_opened(event, client, logger):
        if event.get("tab") not in (None, "home"):
            return  # the Messages tab
        person = person_for_slack_user(event.get("user"), client)
        if person is None:
            client.views_publish(user_id=event["user"], view=unknown_home(unknown_person_text(event.get("user"))))
            return
        publish_home(client, person)
