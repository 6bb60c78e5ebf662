"""What a notification looks like outside the app: sections of an e-mail, with absolute links."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from flashpoint.outbox.models import Notification

# The button under a notification that asks for something, by kind.
ACTION_LABELS = {
    "pulse.invitation": "Answer the pulse",
    "pulse.reminder": "Answer the pulse",
    "account.invitation": "Set your password",
    "account.password_reset": "Choose a new password",
    "story.approval_request": "Review and approve",
    "story.approval_reminder": "Review and approve",
}
LINK_LABEL = "Open in Flashpoint"
SECRET_LABEL = "Open your personal link"


def absolute(url: str | None) -> str | None:
    """A path inside the app made absolute with BASE_URL; absolute URLs stay as they are."""
    if not url:
        return None
    if url.startswith("/"):
        return current_app.config["BASE_URL"].rstrip("/") + url
    return url


@dataclass
class Section:
    subject: str
    text: str
    quote: str | None
    action_url: str | None
    action_label: str | None
    # The ordinary link, when there is also a one-time link that takes the button.
    link_url: str | None
    # A button asks for action (a one-time link, an approval); other links stay quiet text links.
    is_action: bool = False


def section_for(note: Notification, *, reveal_secret: bool = True) -> Section:
    """One notification as an e-mail section. The one-time link becomes the button; an admin's
    preview passes reveal_secret=False and sees a placeholder instead."""
    link = absolute(note.link)
    if not note.has_secret_url:
        secret = None
    elif not reveal_secret:  # never opened for a preview
        secret = "[one-time link, shown to the recipient only]"
    else:
        secret = absolute(note.secret_url) if note.secret_url else None
    label = ACTION_LABELS.get(note.kind)
    quote = quote_to_show(note.text, note.quote)
    if secret:
        return Section(note.subject, note.text, quote, secret, label or SECRET_LABEL, link, True)
    if link:
        return Section(note.subject, note.text, quote, link, label or LINK_LABEL, None, label is not None)
    return Section(note.subject, note.text, quote, None, None, None)


def quote_to_show(text: str | None, quote: str | None) -> str | None:
    """The quote, unless the text already carries the same words (said once is enough)."""
    if not quote or quote.strip() in (text or ""):
        return None
    return quote
