"""Sealing: what the database must keep but a database reader must not be able to read.

Two things are kept that way: one-time links waiting in a notification (a reader holding one could
answer a pulse or set a password as someone else) and pulse answers waiting for their cycle to
close (a reader could tie them to the person who gave them, see engagement/pulses/answering.py).

A sealed value is AES-256-GCM under a key derived (HKDF-SHA256) from `SECRET_KEY` and the
purpose, with a fresh random nonce: the key lives in the app's configuration, never in the
database, and two seals of the same value never look alike. Unlike Fernet, nothing about the time
of sealing is written in the clear. Values sealed under a key named in `SECRET_KEY_FALLBACKS`
(Flask's list of former keys) still open, so a rotated key loses nothing.
"""
from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "sealed:v1:"
_NONCE = 12


class Unsealable(ValueError):
    """The value was sealed under a key this app no longer has (or was altered)."""


@functools.lru_cache(maxsize=32)  # closing a cycle of 5,000 people opens 5,000 rows with one key
def _key(secret: str | bytes, purpose: str) -> bytes:
    secret = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"flashpoint-seal:{purpose}".encode()).derive(secret)


def _secrets() -> list[str | bytes]:
    config = current_app.config
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]


def seal(purpose: str, data: bytes) -> str:
    """`data` sealed for `purpose` (a value sealed for one purpose never opens for another)."""
    nonce = os.urandom(_NONCE)
    box = AESGCM(_key(_secrets()[0], purpose)).encrypt(nonce, data, purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + box).decode()


def unseal(purpose: str, sealed: str) -> bytes:
    if not sealed.startswith(PREFIX):
        raise Unsealable("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX):].encode())
    except ValueError as exc:
        raise Unsealable("not a sealed value") from exc
    nonce, box = raw[:_NONCE], raw[_NONCE:]
    for secret in _secrets():
        try:
            return AESGCM(_key(secret, purpose)).decrypt(nonce, box, purpose.encode())
        except InvalidTag:
            continue
    raise Unsealable("sealed under a key this app does not have")


def seal_text(purpose: str, text: str) -> str:
    return seal(purpose, text.encode())


def unseal_text(purpose: str, sealed: str) -> str:
    return unseal(purpose, sealed).decode()
