"""Building the e-mail for one or more notifications to one person: text and HTML parts from
the templates in templates/email/, absolute links, and one-click unsubscribe headers."""
from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.headerregistry import Address
from email.utils import format_datetime, make_msgid, parseaddr
from datetime import timezone

from flask import current_app

from flashpoint.notifications.rendering import absolute, section_for
from flashpoint.notifications.topics import MUTE_ALL, TOPIC_BY_KEY, topic_for
from flashpoint.notifications.unsubscribe import make_token
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import varied
from flashpoint.people.models import User
from flashpoint.timeutil import utcnow

PREFERENCES_PATH = "/settings/notifications"
UNSUBSCRIBE_PATH = "/notifications/unsubscribe/"

GROUP_INTROS = [
    "Here is what happened since we last wrote.",
    "A few things came up for you.",
    "Some news for you, all in one message.",
    "Here is your latest from Flashpoint.",
]


def unsubscribe_topic(notes: list[Notification]) -> str:
    """The topic a one-click unsubscribe mutes: the topic all sections share, else everything
    mutable (must-act messages keep coming whatever is muted)."""
    topics = {topic_for(n.kind, n.payload) for n in notes}
    if len(topics) == 1 and None not in topics:
        return next(iter(topics)).key
    return MUTE_ALL


def envelope_sender() -> str:
    return parseaddr(current_app.config["MAIL_FROM"])[1] or "flashpoint@localhost"


def _render(template: str, **context) -> str:
    # Rendered without the request's context processors: delivery runs in the scheduler.
    return current_app.jinja_env.get_template(template).render(**context)


def build_email(recipient: User, notes: list[Notification], *, preview: bool = False) -> EmailMessage:
    """The e-mail for `notes` (all to `recipient`). A preview (for an admin) hides one-time
    links and, for an anonymous author, the name."""
    sections = [section_for(n, reveal_secret=not preview) for n in notes]
    anonymous = any(n.anonymous_recipient for n in notes)
    name = "there" if (preview and anonymous) else recipient.first_name
    topic = unsubscribe_topic(notes)
    unsubscribe_url = absolute(UNSUBSCRIBE_PATH + make_token(recipient.id, topic))
    if preview:
        unsubscribe_url = absolute(UNSUBSCRIBE_PATH + "…")
    if len(notes) == 1:
        subject = notes[0].subject
        intro = None
    else:
        subject = f"{len(notes)} updates: {notes[0].subject}"
        intro = varied(notes[0].kind, None if preview else recipient, GROUP_INTROS, name=name)
    context = dict(
        name=name, intro=intro, sections=sections, subject=subject,
        app_url=current_app.config["BASE_URL"],
        preferences_url=absolute(PREFERENCES_PATH),
        unsubscribe_url=unsubscribe_url,
        topic_label=TOPIC_BY_KEY[topic].label.lower() if topic in TOPIC_BY_KEY else None,
    )
    # An internationalised address (zoë@…) is written as UTF-8 (RFC 6532), for SMTPUTF8 servers.
    message = EmailMessage(policy=SMTP if recipient.email.isascii() else SMTPUTF8)
    message["From"] = current_app.config["MAIL_FROM"]
    to_address = "hidden@preview.invalid" if preview and anonymous else recipient.email
    user_part, _at, domain_part = to_address.rpartition("@")
    message["To"] = Address(display_name=" ".join((name if preview else recipient.name).split()),
                            username=user_part, domain=domain_part)
    # Titles are people's words: never let a line break reach a header.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(utcnow().replace(tzinfo=timezone.utc))
    domain = envelope_sender().rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 2369 / RFC 8058: mail clients show "Unsubscribe" and POST to it with one click.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_render("email/message.txt", **context))
    message.add_alternative(_render("email/message.html", **context), subtype="html")
    return message
