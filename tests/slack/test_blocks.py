"""Block Kit renderers stay inside Slack's limits whatever people type (else: invalid_blocks)."""
import json

from flashpoint.extensions import db
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import record_notification
from recognition.stories.approvals import nominate
from slack_bot.blocks.stories import decline_modal, nomination_modal
from slack_bot.notifications import render
from tests.factories import make_manager, make_team, make_user
from tests.slack.factories import values_ids


def check_blocks(blocks: list, *, limit: int = 50) -> None:
    """The Block Kit limits (docs/slack.md), checked on every block we build."""
    assert 0 < len(blocks) <= limit
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "block_ids must be unique"
    for block in blocks:
        text = (block.get("text") or {}).get("text")
        if block["type"] == "header":
            assert len(text) <= 150
        elif text is not None:
            assert 0 < len(text) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= 2000
            if element.get("type") == "mrkdwn":
                assert len(element["text"]) <= 3000
        for opt in (block.get("element") or {}).get("options", []):
            assert len(opt["text"]["text"]) <= 75 and len(opt["value"]) <= 150


def test_every_story_message_respects_block_kit_limits_for_a_long_story(app):
    team = make_team(name="T" * 120)
    manager = make_manager(team, name="M" * 120, password=None, slack_user_id="UMGR")
    heroes = [make_user(team=team, name=f"Hero {'x' * 100} {n}", password=None) for n in range(20)]
    long_text = ("A very long story with *stars* & <@UEVERYONE> pings & 3 > 2. " * 80)[:3000]
    story = nominate(manager, [h.id for h in heroes], long_text, "proactive", values_ids())
    db.session.commit()
    record_notification("story.approval_request", "S" * 200, long_text, recipient=manager,
                        extra={"story_id": story.id}, link=f"/heroes/{story.id}")
    record_notification("digest.weekly", "This week", "x\n\n" + long_text, channel="#heroes",
                        extra={"story_ids": [story.id] * 1}, link="/heroes")
    db.session.commit()
    notes = db.session.query(Notification).all()
    assert {n.kind for n in notes} >= {"story.celebration", "story.hero_note", "story.approval_request",
                                       "digest.weekly"}
    for note in notes:
        text, blocks = render(note, "http://flashpoint.test")
        check_blocks(blocks)
        assert len(text) <= 3000
        dumped = json.dumps(blocks)
        assert "<@UEVERYONE>" not in dumped  # escaped: never a ping


def test_modals_respect_block_kit_limits(app):
    team = make_team()
    manager = make_manager(team, password=None)
    hero = make_user(team=team, password=None)
    from recognition.stories.values import active_values

    view = nomination_modal(values=active_values(), hero_slack_ids=["U1"], other_heroes=[hero],
                            text="t" * 5000, kind="recovery", feedback_options=[(1, "f" * 200)], feedback_id=1,
                            evidence="e" * 5000, metadata={"story_id": 1})
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    check_blocks(view["blocks"], limit=100)
    story = nominate(manager, [hero.id], "A story", "proactive", values_ids()[:1])
    check_blocks(decline_modal(story, {"story_id": story.id})["blocks"], limit=100)
