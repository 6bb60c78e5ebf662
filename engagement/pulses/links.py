"""One-time pulse links: the token behind a person's link (derived, only its hash stored) and the
participation a link opens, or why it no longer works."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from engagement.pulses.errors import LinkUnusable
from engagement.pulses.models import PulseParticipation
from flashpoint.extensions import db


def token_for(participation: PulseParticipation) -> str:
    """The link's token, derived with the secret key so the reminder can carry the same link;
    only its sha256 is stored, so reading the database gives nobody a working link."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"pulse-link:{participation.cycle_id}:{participation.user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(participation: PulseParticipation) -> str:
    return f"{current_app.config['BASE_URL']}/pulse/{token_for(participation)}"


def participation_for_token(token: str, now: datetime) -> PulseParticipation:
    """The participation behind a link, or LinkUnusable saying why in plain words."""
    if not token or len(token) > 128:
        raise LinkUnusable(_("This pulse link is not valid."))
    participation = db.session.scalar(
        db.select(PulseParticipation).where(PulseParticipation.token_hash == token_hash(token)))
    if participation is None:
        raise LinkUnusable(_("This pulse link is not valid. Check that you copied all of it."))
    if participation.answered:
        raise LinkUnusable(_("This link has been used: your answers are already in. Thank you!"), answered=True)
    if not participation.cycle.is_open(now):
        raise LinkUnusable(_("This pulse has closed, so the link no longer works. The next one will come soon."))
    return participation
