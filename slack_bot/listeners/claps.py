"""👏 on a celebration: a `clap` reaction added or removed is one person's clap, counted once."""
from slack_bolt import App

from flashpoint.extensions import db
from recognition.stories.models import HeroStory
from recognition.stories.services import StoryError, clap, unclap
from slack_bot.app import in_app_context
from slack_bot.messages import message_ref
from slack_bot.people import person_for_slack_user

CLAP_REACTIONS = {"clap"}


def register(bolt_app: App, flask_app) -> None:
    with_context = in_app_context(flask_app)

    @bolt_app.event("reaction_added")
    @with_context
    def reaction_added(event, client, logger):
        _apply(event, client, logger, added=True)

    @bolt_app.event("reaction_removed")
    @with_context
    def reaction_removed(event, client, logger):
        _apply(event, client, logger, added=False)


def _apply(event: dict, client, logger, *, added: bool) -> None:
    # Skin tones arrive as "clap::skin-tone-3": still a clap.
    if (event.get("reaction") or "").split("::")[0] not in CLAP_REACTIONS:
        return
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    ref = message_ref(item.get("channel", ""), item.get("ts", ""))
    if ref is None or ref.kind != "story.celebration" or ref.subject_id is None:
        return
    story = db.session.get(HeroStory, ref.subject_id)
    person = person_for_slack_user(event.get("user"), client)
    if story is None or person is None:
        return
    try:
        if added:
            clap(story, person, source="slack")
        else:
            unclap(story, person)
        db.session.commit()
    except StoryError as exc:
        db.session.rollback()
        logger.info("clap by %s on story %s refused: %s", person.id, story.id, exc)
