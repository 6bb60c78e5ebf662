"""Block Kit for the App Home: the greeting and the sections put together, and the Home of someone unknown."""
from __future__ import annotations

from slack_bot.blocks.common import VIEW_BLOCKS_MAX, context, header, section

HOME_BLOCKS_MAX = VIEW_BLOCKS_MAX


def home_view(first_name: str, parts: list[list[dict]]) -> dict:
    """The whole App Home: a greeting, then each non-empty section after a divider."""
    blocks: list[dict] = [header(f"Hi {first_name} 👋")]
    for part in parts:
        if part:
            blocks.append({"type": "divider"})
            blocks.extend(part)
    if len(blocks) == 1:
        blocks.append(section("Nothing needs you right now. Use `/hero` to tell a colleague's hero story."))
    if len(blocks) > HOME_BLOCKS_MAX:
        blocks = blocks[: HOME_BLOCKS_MAX - 1] + [context("…more in Flashpoint.")]
    return {"type": "home", "blocks": blocks}


def unknown_home(unknown_text: str) -> dict:
    """The Home of a Slack user with no Flashpoint account: how to get one."""
    return {"type": "home", "blocks": [header("Welcome to Flashpoint"), section(unknown_text)]}
