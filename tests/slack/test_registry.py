"""Block Kit builders and App Home sections belong to the app that registered them, not to the process."""
from flashpoint import create_app
from flashpoint.config import TestConfig
from slack_bot.blocks.common import default_blocks
from slack_bot.registry import add_builder, add_home_section, builder_for, home_sections


def _app():
    return create_app(TestConfig(database_url="sqlite://"))


def test_every_app_gets_the_slack_builders_and_home_sections_from_init_app():
    app = _app()
    with app.app_context():
        assert builder_for("story.celebration") is not default_blocks
        assert builder_for("pulse.invitation") is not default_blocks
        assert builder_for("no.such.kind") is default_blocks
        names = [section.__name__ for section in home_sections()]
    assert names == ["pending_approvals_section", "my_stories_section", "praise_about_me_section",
                     "my_ideas_section", "open_pulse_section"]


def test_a_builder_or_section_added_to_one_app_is_unknown_to_another():
    first, second = _app(), _app()

    def special(notification, base_url):
        return [{"type": "divider"}]

    def first_only(user):
        return []

    add_builder(first, "test.special", special)
    add_home_section(first, 5, first_only)
    with first.app_context():
        assert builder_for("test.special") is special
        assert home_sections()[0] is first_only
    with second.app_context():
        assert builder_for("test.special") is default_blocks
        assert first_only not in home_sections()
