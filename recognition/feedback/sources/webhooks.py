"""Signed webhooks: a survey tool or a relay POSTs one feedback item, signed with the source's secret.

`create-webhook NAME` makes the secret, shows it once and keeps it sealed (flashpoint/sealing.py).
A request carries `X-Flashpoint-Timestamp` (Unix seconds) and
`X-Flashpoint-Signature: v1=<hex HMAC-SHA256 of "v1:<timestamp>:<raw body>">`. Any problem with the
signature, a timestamp more than 5 minutes away, or a name no webhook has gets the same refusal, so
a caller learns nothing about which names exist. The item is stored as `NAME:<external_id>`.

`receive` is the whole delivery (checked, parsed, taken in, counted, committed); the view only
renders its outcome.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from flashpoint import sealing
from flashpoint.api.errors import ApiValidationError, is_json_type, parse_json_object
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from recognition.feedback.intake import receive_json
from recognition.feedback.sources.base import PULLING_SOURCES
from recognition.feedback.sources.models import NAME_MAX, FeedbackSource

SEAL_PURPOSE = "feedback-webhook-secret"
TOLERANCE = timedelta(minutes=5)
VERSION = "v1"
EPOCH = datetime(1970, 1, 1)
TIMESTAMP = "X-Flashpoint-Timestamp"
SIGNATURE = "X-Flashpoint-Signature"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Compared against when the name is unknown, so an unknown name costs what a known one does.
_DECOY = secrets.token_hex(32)


class WebhookRefused(Exception):
    """The request is not from the source (bad, missing or stale signature, or no such webhook)."""


class BadWebhookName(ValueError):
    pass


@dataclass(frozen=True)
class Delivery:
    """What a delivery came to: the HTTP status and the JSON body to answer with."""
    status: int
    body: dict


@dataclass(frozen=True)
class NewWebhook:
    source: FeedbackSource
    secret: str


def check_name(name: str) -> str:
    name = (name or "").strip().lower()
    if not NAME_PATTERN.fullmatch(name) or len(name) > NAME_MAX:
        raise BadWebhookName(f"A webhook's name is lower-case letters, digits, '-' and '_', at most {NAME_MAX} "
                             f"characters (e.g. typeform), not '{name[:60]}'.")
    if name in PULLING_SOURCES:
        raise BadWebhookName(f"'{name}' is a pulling source's name; choose another for a webhook.")
    return name


def create_webhook(name: str, *, rotate: bool = False) -> NewWebhook:
    """A webhook and its new secret (shown to the caller once). `rotate` replaces an existing
    webhook's secret; without it an existing name is refused. The caller commits."""
    name = check_name(name)
    source = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == name))
    if source is not None and not rotate:
        raise BadWebhookName(f"There is already a webhook '{name}'. Add --rotate to give it a new secret "
                             "(the old one stops working at once).")
    if source is None:
        source = FeedbackSource(name=name, kind="webhook", items_taken=0, items_set_aside=0)
        db.session.add(source)
    secret = "whsec_" + secrets.token_urlsafe(32)
    source.secret_sealed = sealing.seal_text(SEAL_PURPOSE, secret)
    db.session.flush()
    return NewWebhook(source, secret)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The header value a sender computes: `v1=` + hex HMAC-SHA256 of "v1:<timestamp>:<body>"."""
    message = f"{VERSION}:{timestamp}:".encode() + body
    return f"{VERSION}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _secret_of(source: FeedbackSource | None) -> str | None:
    if source is None or source.kind != "webhook" or not source.secret_sealed:
        return None
    try:
        return sealing.unseal_text(SEAL_PURPOSE, source.secret_sealed)
    except sealing.Unsealable:
        return None


def _fresh(timestamp: str, now: datetime) -> bool:
    """Within TOLERANCE of now, either way (a sender's clock may run a little ahead)."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 20:
        return False
    now_seconds = (now - EPOCH) // timedelta(seconds=1)
    return abs(int(timestamp) - now_seconds) <= TOLERANCE // timedelta(seconds=1)


def verify(name: str, timestamp: str | None, signatures: str | None, body: bytes,
           now: datetime | None = None) -> FeedbackSource:
    """The webhook the request comes from, or WebhookRefused (one reason for every failure)."""
    now = now or utcnow()
    source = None
    if NAME_PATTERN.fullmatch(name or "") and len(name) <= NAME_MAX:
        source = db.session.scalar(db.select(FeedbackSource).where(FeedbackSource.name == name))
    secret = _secret_of(source)
    timestamp = (timestamp or "").strip()
    expected = signature(secret or _DECOY, timestamp, body).encode()
    # Every offered signature is compared in constant time, whatever the outcome of the others.
    offered = [part.strip().encode() for part in (signatures or "").split(",") if part.strip()]
    matched = False
    for value in offered[:5]:
        matched |= hmac.compare_digest(value, expected)
    if secret is None or not matched or not _fresh(timestamp, now):
        raise WebhookRefused("The signature is missing, wrong or stale, or there is no such webhook.")
    return source


def record_delivery(source: FeedbackSource, created: bool, now: datetime | None = None) -> None:
    """Count a delivered item (in SQL, so two deliveries at once both count); the caller commits."""
    values = {"last_sync_at": now or utcnow(), "last_success_at": now or utcnow(), "last_error": None}
    if created:
        values["items_taken"] = FeedbackSource.items_taken + 1
    db.session.execute(db.update(FeedbackSource).where(FeedbackSource.id == source.id).values(**values))


def receive(name: str, headers: Mapping[str, str], body: bytes, now: datetime | None = None) -> Delivery:
    """One delivery to webhook `name`: refused (401) unless signed by its secret; then the body is
    taken in as one feedback item (201 new, 200 already stored, 400 naming every problem, nothing
    stored), counted on the source and committed."""
    now = now or utcnow()
    try:
        source = verify(name, headers.get(TIMESTAMP), headers.get(SIGNATURE), body, now)
    except WebhookRefused as exc:
        return Delivery(401, {"errors": {"signature": str(exc)}})
    try:
        data = parse_json_object(body, is_json_type(headers.get("Content-Type")))
        item, created = receive_json(data, "api", source=source.name)
    except ApiValidationError as exc:
        db.session.rollback()
        return Delivery(exc.status, {"errors": exc.errors})
    record_delivery(source, created, now)
    db.session.commit()
    return Delivery(201 if created else 200, item)
