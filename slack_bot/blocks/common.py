"""Block Kit's limits and small pure builders every area uses, and the default notification message.

Block Kit limits (Slack answers `invalid_blocks` beyond them) are applied here, once:
section text 3,000 characters, header 150, button text 75, ≤ 50 blocks in a message.
User text goes into mrkdwn (a section, a context, a message's `text`) only through `escape`, the
one place it is made safe: `<!channel>`, `<@U…>` or `<https://…|click>` typed by someone shows as
typed and never pings, mentions or links. Plain-text objects (headers, labels, options, input
values) are shown literally by Slack and are not escaped.

Kinds without a builder of their own get `default_blocks` (subject, text, quote, a link made
absolute with BASE_URL, and a button for a one-time link).
"""
from __future__ import annotations

import re

SECTION_MAX = 3000
HEADER_MAX = 150
BUTTON_MAX = 75
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
FALLBACK_MAX = 3000


# --- Small pure helpers ------------------------------------------------------------------------

def escape(text: str | None) -> str:
    """User text in mrkdwn: &, < and > are control characters (`<!channel>`, `<@U…>` links)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def absolute(link: str | None, base_url: str) -> str | None:
    if not link:
        return None
    if link.startswith(("http://", "https://")):
        return link
    return base_url.rstrip("/") + "/" + link.lstrip("/")


# A Slack user id as Slack issues them; anything else stored as one is shown as the name instead.
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


def mention(user) -> str:
    """`<@U…>` for someone on Slack, else their name (escaped)."""
    slack_id = getattr(user, "slack_user_id", None)
    if slack_id and _SLACK_USER_ID.fullmatch(slack_id):
        return f"<@{slack_id}>"
    return escape(user.name)


def quote_block(text: str) -> str:
    lines = escape(text).splitlines() or [""]
    return clip("\n".join("> " + line for line in lines), SECTION_MAX)


def section(text: str, block_id: str | None = None, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX) or " "}}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_MAX) or " ",
                                       "emoji": True}}


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_MAX)}]}


def button(text: str, *, action_id: str, value: str | None = None, url: str | None = None,
           style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": clip(text, BUTTON_MAX), "emoji": True},
               "action_id": action_id}
    if value is not None:
        element["value"] = clip(str(value), 2000)
    if url:
        element["url"] = url[:3000]
    if style:
        element["style"] = style
    return element


def actions(elements: list[dict], block_id: str | None = None) -> dict:
    block = {"type": "actions", "elements": elements[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict:
    return {"text": {"type": "plain_text", "text": clip(text, OPTION_TEXT_MAX) or " "},
            "value": str(value)[:OPTION_VALUE_MAX]}


def limit_blocks(blocks: list[dict], limit: int) -> list[dict]:
    """Keep within Slack's block count; the last kept block says what was left out."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    kept.append(context(f"…and {len(blocks) - len(kept)} more in Flashpoint."))
    return kept


def fallback_text(notification) -> str:
    """A message's `text`: Slack reads it as mrkdwn too (and pings from it), so it is escaped."""
    text = notification.subject
    if notification.text:
        text += "\n" + notification.text
    return clip(escape(text), FALLBACK_MAX)


def link_button(notification, base_url: str, label: str = "Open in Flashpoint") -> dict | None:
    url = absolute(notification.link, base_url)
    return button(label, action_id="open_link", url=url) if url else None


# --- The default builder ---------------------------------------------------------------------

def default_blocks(notification, base_url: str) -> list[dict]:
    blocks = [section(f"*{escape(notification.subject)}*\n{escape(notification.text)}")]
    if notification.quote:
        blocks.append(section(quote_block(notification.quote)))
    elements = []
    if notification.secret_url:
        elements.append(button("Open", action_id="open_secret_link", url=notification.secret_url,
                               style="primary"))
    link = link_button(notification, base_url)
    if link:
        elements.append(link)
    if elements:
        blocks.append(actions(elements))
    return blocks
