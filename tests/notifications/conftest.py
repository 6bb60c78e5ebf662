"""Fixtures: a real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS from a trustme CA."""
from __future__ import annotations

import asyncio
import email
import socket
import ssl
from dataclasses import dataclass
from email.policy import default as default_policy

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "mailer"
SMTP_PASSWORD = "s3cret pass"


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    raw: bytes
    tls: bool
    authenticated: bool

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=default_policy)

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Mailbox:
    """The aiosmtpd handler: keeps what it accepted; can be told to refuse or to stall."""

    def __init__(self):
        self.received: list[ReceivedMail] = []
        self.refuse_rcpt: dict[str, str] = {}
        self.data_delay = 0.0
        self.rcpt_delay = 0.0
        self.logins_tried = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)  # a slow server, before any message data
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                          tls=session.ssl is not None or bool(
                                              server.transport.get_extra_info("ssl_object")),
                                          authenticated=bool(session.authenticated)))
        if self.data_delay:
            await asyncio.sleep(self.data_delay)  # took the message, answers too late
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.received if address in m.rcpt_tos]


def stall_longer_than_the_timeout(app, mailbox, step: str) -> None:
    """Make the server answer `step` ("rcpt" or "data") later than the client waits. The timeout
    stays generous (3 s) so a busy machine does not time out earlier steps by accident."""
    app.config["SMTP_TIMEOUT"] = 3
    setattr(mailbox, f"{step}_delay", 4.5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server that can be stopped ("down") and started again on the same port."""

    def __init__(self, tls_context: ssl.SSLContext | None, *, auth: bool = False, implicit_tls: bool = False):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.tls_context = tls_context
        self.auth = auth
        self.implicit_tls = implicit_tls
        self.controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.mailbox.logins_tried += 1
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
              and auth_data.password == SMTP_PASSWORD.encode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        kwargs = {}
        if self.implicit_tls:
            kwargs["ssl_context"] = self.tls_context
        elif self.tls_context is not None:
            kwargs["tls_context"] = self.tls_context
        if self.auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=True)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, credentials: bool = False) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        auth = f"{SMTP_USER}:{SMTP_PASSWORD.replace(' ', '%20')}@" if credentials else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def smtp_ca():
    return trustme.CA()


@pytest.fixture(scope="session")
def server_tls_context(smtp_ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    smtp_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def trust_test_ca(smtp_ca, tmp_path, monkeypatch):
    """The client trusts our CA the way production trusts the system store: SSL_CERT_FILE."""
    path = tmp_path / "ca.pem"
    smtp_ca.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    return path


@pytest.fixture
def smtp_server(server_tls_context, trust_test_ca):
    server = SmtpServer(server_tls_context)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture
def app_overrides(smtp_server):
    return {"SMTP_URL": smtp_server.url(), "MAIL_FROM": "Flashpoint <flashpoint@flashpoint.test>",
            "SMTP_TIMEOUT": 10, "PASSWORD_RESET_RATE_LIMIT": "1000 per minute"}
