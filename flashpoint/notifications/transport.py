"""The e-mail transport: delivers notifications over SMTP, several to one person in one e-mail.

Grouping keeps the outbox's exactly-once rule per Notification row: the companions of the
notification being sent are claimed (pending → sending, committed) before the one e-mail goes
out, and after it every claimed row gets the same outcome — sent, back to pending with backoff,
failed, or unclear. Must-act messages (a pulse link, an approval) always travel alone, so their
subject says what to do.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import update

from flashpoint.extensions import db
from flashpoint.notifications import smtp
from flashpoint.notifications.mail import build_email, envelope_sender
from flashpoint.notifications.topics import is_must_act
from flashpoint.outbox import delivery
from flashpoint.outbox.delivery import (PermanentDeliveryError, TransientDeliveryError,
                                        UnclearDeliveryError)
from flashpoint.outbox.models import Notification, State

NAME = "email"
MAX_GROUP = 20
# Addresses under the reserved .invalid domain (RFC 2606) are sign-in names for people without
# a mailbox: never mailed.
UNDELIVERABLE_SUFFIX = ".invalid"


def has_mailbox(email: str | None) -> bool:
    return bool(email) and "@" in email and not email.lower().endswith(UNDELIVERABLE_SUFFIX)


def settings() -> smtp.SmtpSettings | None:
    url = current_app.config["SMTP_URL"]
    if not url:
        return None
    return smtp.parse_smtp_url(url, timeout=float(current_app.config["SMTP_TIMEOUT"]))



class EmailTestFailed(Exception):
    """The test e-mail did not go, or may not have: why, in words for the operator."""


def send_test_email(address: str) -> str:
    """Send one test e-mail to `address` now through SMTP_URL (checks TLS, credentials and
    MAIL_FROM) and say what happened; raises EmailTestFailed when it did not go."""
    config = settings()
    if config is None:
        raise EmailTestFailed("SMTP_URL is not set: e-mail is off (messages stay in the app).")
    message = EmailMessage(policy=SMTP)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = address
    message["Subject"] = "Flashpoint test e-mail"
    message["Message-ID"] = make_msgid(domain=envelope_sender().rpartition("@")[2] or "localhost")
    message.set_content(f"This is a test from Flashpoint at {current_app.config['BASE_URL']}.\n"
                        "If you can read it, e-mail delivery works.\n")
    try:
        reply = smtp.send(config, envelope_sender(), address, message.as_bytes())
    except TransientDeliveryError as exc:
        raise EmailTestFailed(f"not sent (temporary, would be retried): {exc}") from exc
    except PermanentDeliveryError as exc:
        raise EmailTestFailed(f"not sent (refused): {exc}") from exc
    except UnclearDeliveryError as exc:
        raise EmailTestFailed(f"outcome unknown: {exc}") from exc
    return f"Sent to {address} via {config.where}: {reply}"


class EmailTransport:
    name = NAME

    def reaches(self, notification: Notification) -> bool:
        if not current_app.config["SMTP_URL"] or notification.channel is not None:
            return False
        person = notification.recipient
        return person is not None and person.active and has_mailbox(person.email)

    def send(self, notification: Notification) -> dict:
        # While a row is `sending`, next_attempt_at holds the instant of this delivery run.
        now = notification.next_attempt_at
        companions = [] if is_must_act(notification.kind) else _claim_companions(notification, now)
        group = [notification] + companions
        try:
            config = settings()
            message = build_email(notification.recipient, group)
        except Exception as exc:  # nothing went out: a configuration or template problem
            _settle(companions, PermanentDeliveryError(f"the e-mail could not be prepared: {exc}"), now)
            raise PermanentDeliveryError(f"the e-mail could not be prepared: {exc}") from exc
        host = current_app.config["BASE_URL"].split("//")[-1].split("/")[0].split(":")[0]
        try:
            address = notification.recipient.email
            reply = smtp.send(config, envelope_sender(), address, message.as_bytes(),
                              local_hostname=host or "localhost")
        except (TransientDeliveryError, PermanentDeliveryError, UnclearDeliveryError) as exc:
            _settle(companions, exc, now)
            raise
        except Exception as exc:  # a bug mid-conversation: whether it went out is unknown
            _settle(companions, UnclearDeliveryError(f"sending failed unexpectedly: {exc}"), now)
            raise
        ref = {"message_id": message["Message-ID"], "reply": reply[:200],
               "notifications": [n.id for n in group]}
        _settle(companions, None, now, ref)
        return ref


def _claim_companions(first: Notification, now: datetime) -> list[Notification]:
    """Other notifications due for the same person that would also go by e-mail, claimed."""
    candidates = db.session.scalars(
        db.select(Notification)
        .where(Notification.recipient_id == first.recipient_id, Notification.id != first.id,
               Notification.channel.is_(None), Notification.state == State.PENDING.value,
               Notification.next_attempt_at <= now)
        .order_by(Notification.id)
        .limit(MAX_GROUP * 2)
    ).all()
    wanted = []
    for note in candidates:
        if len(wanted) >= MAX_GROUP - 1:
            break
        if is_must_act(note.kind):
            continue
        choice = delivery.choose_transport(note)
        if getattr(choice, "name", None) == NAME:
            wanted.append(note.id)
    claimed = []
    for note_id in wanted:
        result = db.session.execute(
            update(Notification)
            .where(Notification.id == note_id, Notification.state == State.PENDING.value,
                   Notification.next_attempt_at <= now)
            .values(state=State.SENDING.value, attempts=Notification.attempts + 1,
                    next_attempt_at=now, transport=NAME)
        )
        if result.rowcount == 1:
            claimed.append(note_id)
    db.session.commit()  # claimed before anything is sent: a crash now leaves them `sending`
    return [db.session.get(Notification, i) for i in claimed]


def _settle(companions: list[Notification], error: Exception | None, now: datetime,
            ref: dict | None = None) -> None:
    """Give every claimed companion the outcome of the one e-mail (as deliver_one does)."""
    for note in companions:
        note.transport = NAME
        if error is None:
            note.state = State.SENT.value
            note.sent_at = now
            note.external_ref = ref
            note.last_error = None
        elif isinstance(error, TransientDeliveryError):
            note.last_error = str(error)[:2000]
            if note.attempts >= delivery.MAX_ATTEMPTS:
                note.state = State.FAILED.value
            else:
                wait = (timedelta(seconds=error.retry_after) if error.retry_after
                        else delivery.backoff(note.attempts))
                note.state = State.PENDING.value
                note.next_attempt_at = now + wait
        elif isinstance(error, UnclearDeliveryError):
            note.state = State.UNCLEAR.value
            note.last_error = str(error)[:2000]
        else:
            note.state = State.FAILED.value
            note.last_error = str(error)[:2000]
    if companions:
        db.session.commit()
