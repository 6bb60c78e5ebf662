"""Block Kit for hero stories and praise: messages, modals, the weekly digest, the Home's sections.

Pure functions of domain objects (a story, its approver's view of it, a praise item);
slack_bot.notifications looks the story up from a notification's ids and hands it here.
"""
from __future__ import annotations

import json

from recognition.stories.approvals import decision_words
from slack_bot.blocks.common import (VIEW_BLOCKS_MAX, absolute, actions, button, clip, context, escape, header,
                                     limit_blocks, link_button, mention, option, quote_block, section)

NOMINATE_CALLBACK = "hero_nominate"
DECLINE_CALLBACK = "hero_decline"
KIND_OPTIONS = (("proactive", "Proactive delight", "No mistake involved: someone made a day."),
                ("recovery", "Recovery", "A problem put right."))
STORY_INPUT_MAX = 3000


def mentions(people) -> str:
    names = [mention(p) for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def kind_and_values(story) -> str:
    tag = "🌟" if story.kind == "proactive" else "🛠️"
    values = ", ".join(escape(v.name) for v in story.values)
    return f"{tag} *{escape(story.kind_label)}*" + (f"  ·  {values}" if values else "")


# --- Approval requests ---------------------------------------------------------------------

def decision_buttons(story) -> dict:
    """Approve / Edit / Decline: the same in the DM and in the App Home."""
    value = str(story.id)
    return actions([
        button("Approve", action_id="story_approve", value=value, style="primary"),
        button("Edit", action_id="story_edit", value=value),
        button("Decline", action_id="story_decline", value=value, style="danger"),
    ], block_id=f"story_decision_{story.id}")


def outcome_line(story) -> str:
    """`Approved by <@U…>` / `Declined by <@U…>: reason` (docs/interface.md, "Slack wording")."""
    words = decision_words(story, mention)
    words = words[0].upper() + words[1:]
    if story.state == "approved":
        return f"✅ {words}"
    reason = f": {escape(story.decline_reason)}" if story.decline_reason else ""
    return clip(f"✖️ {words}{reason}", 3000)


def approval_blocks(story, base_url: str, *, evidence: str | None = None) -> list[dict]:
    """The approver's message: the story, then the buttons while pending, the outcome after."""
    nominator = mention(story.nominator) if story.nominator else "Someone"
    blocks = [
        section(f"{nominator} nominated {mentions(story.heroes)} for a hero story."),
        section(quote_block(story.text)),
        context(kind_and_values(story)),
    ]
    if evidence:
        blocks.append(section("*What the customer said*\n" + quote_block(evidence)))
    if story.is_pending:
        blocks.append(decision_buttons(story))
    else:
        blocks.append(section(outcome_line(story), block_id=f"story_outcome_{story.id}"))
    url = absolute(f"/heroes/{story.id}", base_url)
    blocks.append(context(f"<{url}|Open the story in Flashpoint>"))
    return blocks


def approval_text(story) -> str:
    """The approval message's `text` (mrkdwn, like the blocks): names escaped."""
    if story.is_pending:
        return escape(f"Hero story to approve: {story.hero_names}")
    return escape(f"Hero story about {story.hero_names}: {decision_words(story)}")


def approval_request_blocks(notification, story, base_url: str, *, evidence: str | None) -> list[dict]:
    """The approval request or its reminder (the reminder's words first)."""
    blocks = approval_blocks(story, base_url, evidence=evidence)
    if notification.kind == "story.approval_reminder":
        blocks.insert(0, context(escape(notification.text)))
    return blocks


# --- Celebrations ----------------------------------------------------------------------------

def celebration_blocks(story, base_url: str, quote: str | None, *, private: bool = False) -> list[dict]:
    """The heroes channel post. `quote` is what the story domain allows to be quoted (or None)."""
    blocks = [
        header(f"🏆 Hero story: {story.hero_names}"),
        section(f"{mentions(story.heroes)}\n" + quote_block(story.text)),
        context(kind_and_values(story)),
    ]
    if quote:
        blocks.append(section("*In the customer's words*\n" + quote_block(quote)))
    url = absolute(f"/heroes/{story.id}", base_url)
    nominator = f"Nominated by {mention(story.nominator)} · " if story.nominator else ""
    footer = f"{nominator}<{url}|Read it in Flashpoint> · React with :clap: to applaud"
    if private:
        footer = f"Recognised privately, at the hero's wish · <{url}|Read it in Flashpoint>"
    blocks.append(context(footer))
    return blocks


def hero_note_blocks(notification, story, base_url: str) -> list[dict]:
    """The DM telling a hero about their approved story."""
    first_line = (notification.text or "").split("\n", 1)[0]
    blocks = [section(f"🎉 *{escape(first_line)}*"), section(quote_block(story.text)),
              context(kind_and_values(story))]
    if notification.quote:
        blocks.append(section("*What the customer said*\n" + quote_block(notification.quote)))
    link = link_button(notification, base_url, "See your story")
    if link:
        blocks.append(actions([link]))
    return blocks


# --- Praise alerts ---------------------------------------------------------------------------

def praise_alert_blocks(notification, base_url: str, *, outcome: str | None = None) -> list[dict]:
    payload = notification.payload or {}
    blocks = [section(f"*{escape(notification.subject)}*\n{escape(notification.text)}")]
    if notification.quote:
        blocks.append(section(quote_block(notification.quote)))
    feedback_id = payload.get("feedback_id")
    if outcome:
        blocks.append(context(outcome))
    elif feedback_id and payload.get("hero_ids"):
        elements = [
            button("Celebrate as hero story", action_id="praise_celebrate", value=str(feedback_id),
                   style="primary"),
            button("Not now", action_id="praise_not_now", value=str(feedback_id)),
        ]
        link = link_button(notification, base_url, "Praise inbox")
        if link:
            elements.append(link)
        blocks.append(actions(elements, block_id=f"praise_{feedback_id}"))
    else:
        link = link_button(notification, base_url, "Open the praise inbox")
        if link:
            blocks.append(actions([link]))
    return blocks


# --- Modals ----------------------------------------------------------------------------------

def nomination_modal(*, values: list, hero_slack_ids: list[str] = (), other_heroes: list = (),
                     text: str = "", kind: str | None = None, value_ids: list[int] = (),
                     feedback_options: list[tuple[int, str]] = (), feedback_id: int | None = None,
                     evidence: str | None = None, metadata: dict | None = None,
                     editing: bool = False) -> dict:
    """The nomination modal, prefilled. `other_heroes` are heroes without Slack (kept as they are)."""
    heroes_element = {"type": "multi_users_select", "action_id": "heroes",
                      "placeholder": {"type": "plain_text", "text": "Who was the hero?"}}
    if hero_slack_ids:
        heroes_element["initial_users"] = list(dict.fromkeys(hero_slack_ids))
    blocks: list[dict] = [{"type": "input", "block_id": "heroes", "label": {"type": "plain_text", "text": "Heroes"},
                           "element": heroes_element, "optional": bool(other_heroes)}]
    if other_heroes:
        names = ", ".join(escape(p.name) for p in other_heroes)
        blocks.append(context(f"Also heroes of this story (not on Slack): {names}"))
    text_element = {"type": "plain_text_input", "action_id": "text", "multiline": True,
                    "max_length": STORY_INPUT_MAX,
                    "placeholder": {"type": "plain_text", "text": "What happened, and why did it matter?"}}
    if text:
        text_element["initial_value"] = clip(text, STORY_INPUT_MAX)
    blocks.append({"type": "input", "block_id": "text", "label": {"type": "plain_text", "text": "The story"},
                   "element": text_element})
    if evidence:
        blocks.append(section("*What the customer said*\n" + quote_block(evidence)))
    kind_options = [{"text": {"type": "plain_text", "text": label},
                     "description": {"type": "plain_text", "text": hint}, "value": value}
                    for value, label, hint in KIND_OPTIONS]
    kind_element = {"type": "radio_buttons", "action_id": "kind", "options": kind_options}
    chosen = [o for o in kind_options if o["value"] == kind]
    if chosen:
        kind_element["initial_option"] = chosen[0]
    blocks.append({"type": "input", "block_id": "kind", "label": {"type": "plain_text", "text": "Kind"},
                   "element": kind_element})
    value_options = [option(v.name, str(v.id)) for v in values][:100]
    values_element = {"type": "multi_static_select", "action_id": "values", "options": value_options,
                      "placeholder": {"type": "plain_text", "text": "Which values did it show?"}}
    initial = [o for o in value_options if o["value"] in {str(i) for i in value_ids}]
    if initial:
        values_element["initial_options"] = initial
    if value_options:
        blocks.append({"type": "input", "block_id": "values", "optional": True,
                       "label": {"type": "plain_text", "text": "Values"}, "element": values_element})
    if feedback_options:
        feedback_opts = [option(label, str(fid)) for fid, label in feedback_options][:100]
        feedback_element = {"type": "static_select", "action_id": "feedback", "options": feedback_opts,
                            "placeholder": {"type": "plain_text", "text": "Customer feedback this came from"}}
        preset = [o for o in feedback_opts if o["value"] == str(feedback_id)]
        if preset:
            feedback_element["initial_option"] = preset[0]
        blocks.append({"type": "input", "block_id": "feedback", "optional": True,
                       "label": {"type": "plain_text", "text": "Customer feedback (optional)"},
                       "element": feedback_element})
    return {
        "type": "modal",
        "callback_id": NOMINATE_CALLBACK,
        "private_metadata": json.dumps(metadata or {})[:3000],
        "title": {"type": "plain_text", "text": "Edit hero story" if editing else "Nominate a hero"},
        "submit": {"type": "plain_text", "text": "Save" if editing else "Nominate"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": limit_blocks(blocks, VIEW_BLOCKS_MAX),
    }


def decline_modal(story, metadata: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": DECLINE_CALLBACK,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": {"type": "plain_text", "text": "Decline hero story"},
        "submit": {"type": "plain_text", "text": "Decline"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"The story about {mentions(story.heroes)}:\n" + quote_block(story.text)),
            {"type": "input", "block_id": "reason", "label": {"type": "plain_text", "text": "Why not?"},
             "hint": {"type": "plain_text", "text": "The nominator reads this, so be kind and specific."},
             "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                         "max_length": 1000}},
        ],
    }


def done_modal(title: str, text: str) -> dict:
    """What replaces a submitted modal: a short confirmation (plain `text`, names in it escaped)
    with only a Close button."""
    return {"type": "modal", "title": {"type": "plain_text", "text": clip(title, 24)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": [section(escape(text))]}


# --- The weekly digest ---------------------------------------------------------------------------

def digest_blocks(notification, stories: list, base_url: str) -> list[dict]:
    """The heroes channel's Friday message: one short section per story, a link to the wall."""
    intro = (notification.text or "").split("\n\n", 1)[0]
    blocks = [header("🗓️ This week's hero stories"), section(escape(intro))]
    for story in stories:
        url = absolute(f"/heroes/{story.id}", base_url)
        blocks.append(section(f"*{mentions(story.heroes)}* · {escape(story.kind_label)}\n"
                              f"{escape(clip(' '.join(story.text.split()), 280))}  <{url}|Read>"))
    wall = absolute(notification.link or "/heroes", base_url)
    blocks.append(context(f"<{wall}|All hero stories> · React with :clap: on a story's own post to applaud"))
    return limit_blocks(blocks, 50)



# --- App Home sections ---------------------------------------------------------------------------

def pending_approvals_blocks(stories: list) -> list[dict]:
    """A manager's `Pending approvals`, with the same buttons as the DM."""
    blocks = [header("Pending approvals")]
    if not stories:
        blocks.append(context("No hero stories are waiting for you."))
        return blocks
    for story in stories[:10]:
        nominator = escape(story.nominator.name) if story.nominator else "Someone"
        blocks.append(section(f"*{mentions(story.heroes)}* · nominated by {nominator}\n"
                              + quote_block(clip(story.text, 600))))
        blocks.append(context(kind_and_values(story)))
        blocks.append(decision_buttons(story))
    if len(stories) > 10:
        blocks.append(context(f"…and {len(stories) - 10} more in Flashpoint."))
    return blocks


def my_stories_blocks(stories_and_claps: list[tuple], base_url: str) -> list[dict]:
    """My hero stories and their claps (`👏 N`), given as (story, clap count) pairs."""
    blocks = [header("My hero stories")]
    if not stories_and_claps:
        blocks.append(context("No hero stories about you yet. They will show here, with their claps."))
        return blocks
    for story, claps in stories_and_claps:
        url = absolute(f"/heroes/{story.id}", base_url)
        blocks.append(section(f"{quote_block(clip(story.text, 400))}\n"
                              f"👏 {claps} · {escape(story.kind_label)} · <{url}|Open>"))
    return blocks


def praise_about_me_blocks(items: list) -> list[dict]:
    """What customers said about me: praise items naming the person."""
    blocks = [header("What customers said about me")]
    for item in items:
        blocks.append(section(f"*{escape(item.feedback.team.name)}*\n" + quote_block(clip(item.words, 600))))
    return blocks
