"""Signed unsubscribe tokens: who and which topic, so a one-click link needs no sign-in."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from flashpoint.notifications.topics import MUTE_ALL, TOPIC_KEYS

SALT = "flashpoint.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    topic: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, topic: str) -> str:
    return _serializer().dumps({"u": user_id, "t": topic})


def read_token(token: str) -> UnsubscribeRequest | None:
    """The request a token stands for, or None when it was not signed by us."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    topic = data.get("t")
    if topic != MUTE_ALL and topic not in TOPIC_KEYS:
        return None
    return UnsubscribeRequest(data["u"], topic)
