"""Sending one message over SMTP, and sorting every failure into clear, permanent or unclear.

The line that matters is the end of the message data: before it, any failure (refused
connection, timeout, 4xx) means the server did not take the message, so it is safe to try
again; after the data went out, silence means it may have been delivered, so it is never
resent automatically.
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flashpoint.outbox.delivery import (PermanentDeliveryError, TransientDeliveryError,
                                        UnclearDeliveryError)

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str, timeout: float = DEFAULT_TIMEOUT) -> SmtpSettings:
    """`smtp://user:pass@host:587` (STARTTLS) or `smtps://user:pass@host:465` (implicit TLS)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("SMTP_URL has no host")
    implicit = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if implicit else 587)
    except ValueError:
        raise ValueError("SMTP_URL has an invalid port") from None
    return SmtpSettings(
        host=parts.hostname, port=port, implicit_tls=implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


_CONTEXTS: dict[tuple, ssl.SSLContext] = {}


def tls_context() -> ssl.SSLContext:
    """A verifying context on the system store (or SSL_CERT_FILE / SSL_CERT_DIR). Loading the
    store costs tens of milliseconds, so it is loaded once per store, not once per e-mail."""
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _CONTEXTS.get(key)
    if context is None:
        context = _CONTEXTS[key] = ssl.create_default_context()
    return context


def _refused(stage: str, code: int, reply: bytes | str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = f"the mail server refused {stage}: {code} {text}".strip()
    if 400 <= code < 500:
        return TransientDeliveryError(message)
    return PermanentDeliveryError(message)


def _dot_stuff(message: bytes) -> bytes:
    data = re.sub(rb"(?m)^\.", b"..", message)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def send(settings: SmtpSettings, sender: str, recipient: str, message: bytes,
         local_hostname: str = "localhost") -> str:
    """Deliver `message` (CRLF bytes) to one recipient. Returns the server's final reply."""
    context = tls_context()
    try:
        if settings.implicit_tls:
            conn = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=local_hostname,
                                    timeout=settings.timeout, context=context)
        else:
            conn = smtplib.SMTP(settings.host, settings.port, local_hostname=local_hostname,
                                timeout=settings.timeout)
    except ssl.SSLCertVerificationError as exc:
        raise TransientDeliveryError(
            f"the certificate of the mail server {settings.where} is not trusted: {exc.verify_message}") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientDeliveryError(f"cannot reach the mail server {settings.where}: {exc}") from None
    try:
        return _converse(conn, settings, context, sender, recipient, message)
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def _authenticate(conn: smtplib.SMTP, settings: SmtpSettings) -> None:
    """One mechanism, PLAIN where offered (over TLS by now). A refusal is a configuration
    problem, not the message's: nothing was sent, so it stays retryable while an admin fixes
    SMTP_URL, and fails after the usual number of attempts."""
    mechanisms = conn.esmtp_features.get("auth", "").upper().split()
    conn.user, conn.password = settings.username, settings.password or ""
    try:
        if "PLAIN" in mechanisms:
            conn.auth("PLAIN", conn.auth_plain)
        elif "LOGIN" in mechanisms:
            conn.auth("LOGIN", conn.auth_login, initial_response_ok=False)
        elif mechanisms:
            conn.login(settings.username, settings.password or "")
        else:
            raise TransientDeliveryError(f"the mail server {settings.where} does not offer authentication")
    except smtplib.SMTPResponseException as exc:
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise TransientDeliveryError(
            f"the mail server {settings.where} refused the credentials in SMTP_URL: {exc.smtp_code} {reply}") from None


def _converse(conn: smtplib.SMTP, settings: SmtpSettings, context: ssl.SSLContext, sender: str,
              recipient: str, message: bytes) -> str:
    try:
        code, reply = conn.ehlo()
        if code != 250:
            code, reply = conn.helo()
            if code != 250:
                raise _refused("the greeting", code, reply)
        if not settings.implicit_tls:
            if conn.has_extn("starttls"):
                conn.starttls(context=context)
                conn.ehlo()
            elif settings.username:
                # Never send a password in clear: a server (or someone between) not offering
                # STARTTLS gets nothing. Nothing was sent, so a later try is safe.
                raise TransientDeliveryError(
                    f"the mail server {settings.where} does not offer STARTTLS; "
                    "refusing to send credentials without encryption")
        if settings.username:
            _authenticate(conn, settings)
        options = []
        if not (sender + recipient).isascii():
            # An internationalised address (zoë@…) needs the server's SMTPUTF8 (RFC 6531).
            if not conn.has_extn("smtputf8"):
                raise PermanentDeliveryError(
                    f"the address {recipient} has non-ASCII characters and the mail server "
                    f"{settings.where} does not accept them (no SMTPUTF8)")
            options = ["SMTPUTF8"]
        code, reply = conn.mail(sender, options)
        if code != 250:
            raise _refused("the sender", code, reply)
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            raise _refused("the recipient", code, reply)
        code, reply = conn.docmd("DATA")
        if code != 354:
            raise _refused("the message", code, reply)
    except ssl.SSLCertVerificationError as exc:
        raise TransientDeliveryError(
            f"the certificate of the mail server {settings.where} is not trusted: {exc.verify_message}") from None
    except smtplib.SMTPResponseException as exc:
        raise _refused("the session", exc.smtp_code, exc.smtp_error) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientDeliveryError(f"the mail server {settings.where} stopped answering: {exc}") from None
    # From here on the message is on its way: no answer means "maybe delivered".
    try:
        conn.send(_dot_stuff(message))
        code, reply = conn.getreply()
    except (OSError, smtplib.SMTPException) as exc:
        raise UnclearDeliveryError(
            f"the message was sent to {settings.where} but no answer came ({exc}); "
            "it may have arrived — check before sending again") from None
    if code != 250:
        raise _refused("the message", code, reply)
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
