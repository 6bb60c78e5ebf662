"""Fixtures for the shell's own tests: a fake delivery transport and a short scheduler."""
from __future__ import annotations

import pytest

from flashpoint.outbox import delivery


class FakeTransport:
    """A transport that records what it was asked to send and fails on cue.

    `script` is a list of outcomes used in turn: None (delivered) or an exception to raise.
    """

    name = "fake"

    def __init__(self):
        self.sent: list[int] = []
        self.script: list = []
        self.reachable = lambda notification: True

    def reaches(self, notification) -> bool:
        return self.reachable(notification)

    def send(self, notification):
        outcome = self.script.pop(0) if self.script else None
        if isinstance(outcome, BaseException):
            raise outcome
        self.sent.append(notification.id)
        return {"ref": f"fake-{notification.id}"}


@pytest.fixture
def fake_transport(app):
    """The only transport of this app, with no chooser: what reaches a person is what is sent."""
    transport = FakeTransport()
    app.extensions["flashpoint.transports"] = []
    app.extensions.pop("flashpoint.transport_chooser", None)
    delivery.register_transport(app, transport, order=0)
    return transport
