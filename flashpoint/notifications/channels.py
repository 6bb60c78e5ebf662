"""The transport chooser: which channel carries a notification, given the person's choices.

Slack DM when Slack reaches the person, else e-mail, else the app alone; a person who can be
reached both ways may pick one. Muted topics stay in the app (state `muted`); must-act kinds
are never muted. Channel messages (the heroes channel, the weekly digest) go to Slack only.
"""
from __future__ import annotations

from flashpoint.notifications import services
from flashpoint.notifications.models import CHANNEL_AUTO
from flashpoint.notifications.topics import is_muted
from flashpoint.outbox.models import Notification, State

SLACK = "slack"


def choose(notification: Notification, available: list):
    if notification.channel is not None:
        return next((t for t in available if t.name == SLACK), None)
    person = notification.recipient
    if person is None or not person.active:
        return None
    pref = services.preference_for(person.id)
    if pref is not None and is_muted(pref.muted, notification.kind, notification.payload):
        return State.MUTED.value
    if not available:
        return None
    if pref is not None and pref.channel != CHANNEL_AUTO:
        for transport in available:
            if transport.name == pref.channel:
                return transport
    return available[0]
