"""Block Kit for ideas: the submission modal, idea notifications and the App Home's "My ideas".

Notifications: status changes, the owner's reminder, the heroes-channel celebration.

An anonymous idea's author is named in no block.
"""
from __future__ import annotations

from engagement.ideas.models import DESCRIPTION_MAX, KINDS, TITLE_MAX
from slack_bot.blocks.common import (absolute, actions, button, clip, context, escape, header, mention, option,
                                     quote_block, section)

SUBMIT_CALLBACK = "idea_submit"
TEAM_OPTIONS_MAX = 100       # a static select holds at most 100 options


# --- The modal -------------------------------------------------------------------------------

def idea_modal(teams: list, title: str = "") -> dict:
    """The submission modal, with `title` prefilled from `/idea <text>`; `teams` come with the
    person's own team first (the caller orders them), but none is chosen in advance: an anonymous idea left on
    the proposer's own team would tell where its author works."""
    teams = [option(t.name, t.slug) for t in teams[:TEAM_OPTIONS_MAX]]
    title_element = {"type": "plain_text_input", "action_id": "title", "max_length": TITLE_MAX}
    if title:
        title_element["initial_value"] = clip(title, TITLE_MAX)
    team_element = {"type": "static_select", "action_id": "team", "options": teams,
                    "placeholder": {"type": "plain_text", "text": "Choose a team"}}
    kinds = [option(label, key) for key, label in KINDS.items()]
    return {
        "type": "modal", "callback_id": SUBMIT_CALLBACK,
        "title": {"type": "plain_text", "text": "Share an idea"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
             "element": title_element},
            {"type": "input", "block_id": "description", "optional": True,
             "label": {"type": "plain_text", "text": "Description"},
             "hint": {"type": "plain_text", "text": "What happens today, and what would delight customers instead?"},
             "element": {"type": "plain_text_input", "action_id": "description", "multiline": True,
                         "max_length": DESCRIPTION_MAX}},
            {"type": "input", "block_id": "kind", "label": {"type": "plain_text", "text": "Kind"},
             "element": {"type": "radio_buttons", "action_id": "kind", "options": kinds, "initial_option": kinds[0]}},
            {"type": "input", "block_id": "team", "label": {"type": "plain_text", "text": "Team it concerns"},
             "element": team_element},
            {"type": "input", "block_id": "tags", "optional": True, "label": {"type": "plain_text", "text": "Tags"},
             "hint": {"type": "plain_text", "text": "Separated by commas, e.g. checkout, queues"},
             "element": {"type": "plain_text_input", "action_id": "tags", "max_length": 400}},
            {"type": "input", "block_id": "anonymous", "optional": True,
             "label": {"type": "plain_text", "text": "Anonymity"},
             "element": {"type": "checkboxes", "action_id": "anonymous", "options": [{
                 "text": {"type": "plain_text", "text": "Post anonymously"},
                 "description": {"type": "plain_text",
                                 "text": "Nobody sees your name, admins included; you still hear every follow-up."},
                 "value": "yes"}]}},
        ],
    }


def done_view(idea, base_url: str) -> dict:
    url = absolute(f"/ideas/{idea.id}", base_url)
    text = (f"Thank you! *{escape(idea.title)}* is on the board"
            + (f", owned by {escape(idea.owner.name)}" if idea.owner else "") + ". "
            "You will hear about every change." + (" Your name is shown to nobody." if idea.anonymous else "")
            + f"\n<{url}|Open it in Flashpoint>")
    return {"type": "modal", "title": {"type": "plain_text", "text": "Idea shared"},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [section(text)]}


# --- Notifications ---------------------------------------------------------------------------

def _open_button(notification, base_url: str, label: str = "Open the idea") -> dict | None:
    url = absolute(notification.link, base_url)
    return actions([button(label, action_id="open_link", url=url)]) if url else None


def status_changed_blocks(notification, base_url: str) -> list[dict]:
    """Opening line, the owner's words as a quote, a button to the idea. The text was written
    by the service and names only the owner, never an anonymous author."""
    opening = (notification.text or "").split("\n", 1)[0]
    blocks = [section(f"💡 {escape(opening)}")]
    if notification.quote:
        blocks.append(section(quote_block(notification.quote)))
    blocks.append(context(f"Status: *{escape((notification.payload or {}).get('status', ''))}*"))
    button_block = _open_button(notification, base_url)
    if button_block:
        blocks.append(button_block)
    return blocks


def owner_blocks(notification, base_url: str) -> list[dict]:
    blocks = [section(f"*{escape(notification.subject)}*\n{escape(notification.text)}")]
    button_block = _open_button(notification, base_url, "Answer in Flashpoint")
    if button_block:
        blocks.append(button_block)
    return blocks


def celebration_blocks(notification, idea, base_url: str) -> list[dict]:
    """The heroes channel: proposer (unless anonymous) and implementers as mentions when on Slack.
    `idea` is None when it no longer exists: the notification's text stands alone."""
    if idea is None:
        blocks = [section(escape(notification.text))]
    else:
        title = "🎉 Obstacle removed" if idea.kind == "obstacle" else "🎉 You said, we did"
        lines = [f"*{escape(idea.title)}* · {escape(idea.team.name)}"]
        if idea.anonymous:
            lines.append("Proposed anonymously")
        elif idea.submitter is not None:
            lines.append(f"Proposed by {mention(idea.submitter)}")
        if idea.implementers:
            lines.append("Made real by " + ", ".join(mention(p) for p in idea.implementers))
        blocks = [header(title), section("\n".join(lines))]
        last = next((e for e in reversed(idea.events) if e.to_status == "implemented" and e.message), None)
        if last is not None:
            blocks.append(section(quote_block(clip(last.message, 600))))
    button_block = _open_button(notification, base_url, "See it in Flashpoint")
    if button_block:
        blocks.append(button_block)
    return blocks


# --- App Home --------------------------------------------------------------------------------

def my_ideas_blocks(waiting: list, mine: list, base_url: str) -> list[dict]:
    """My ideas and their status; for owners, the ideas waiting for them."""
    if not (waiting or mine):
        return [header("My ideas"), context("Nothing yet. `/idea` shares an idea or an obstacle to customer delight.")]
    blocks = [header("My ideas")]
    if waiting:
        lines = [f"• <{absolute(f'/ideas/{i.id}', base_url)}|{escape(clip(i.title, 120))}> · _{escape(i.status)}_"
                 for i in waiting]
        blocks.append(section("*Waiting for you*\n" + "\n".join(lines)))
    if mine:
        lines = [f"• <{absolute(f'/ideas/{i.id}', base_url)}|{escape(clip(i.title, 120))}> · *{escape(i.status)}*"
                 + (" (anonymous)" if i.anonymous else "") for i in mine]
        blocks.append(section("*Ideas you shared*\n" + "\n".join(lines)))
    blocks.append(context(f"<{absolute('/ideas', base_url)}|The idea board> · "
                          f"<{absolute('/ideas/done', base_url)}|You said, we did>"))
    return blocks
