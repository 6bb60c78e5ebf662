"""Preferences, the notification centre's reads, and one-time account links (invitations and
password resets). Plain values in, domain objects out; the caller commits."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update

from flashpoint.extensions import db
from flashpoint.notifications.rendering import absolute
from flashpoint.notifications.models import CHANNEL_AUTO, CHANNELS, AccountToken, NotificationPreference
from flashpoint.notifications.topics import MUTE_ALL, TOPIC_KEYS
from flashpoint.outbox import delivery
from flashpoint.outbox.models import Notification
from flashpoint.outbox.services import record_notification, varied
from flashpoint.people.models import User
from flashpoint.people.services import check_password_strength
from flashpoint.timeutil import utcnow

INVITATION_LIFETIME = timedelta(days=14)
RESET_LIFETIME = timedelta(hours=2)
# A second "forgot my password" within this time sends nothing new (no mailbox flooding).
RESET_THROTTLE = timedelta(minutes=2)
PURPOSE_INVITATION = "invitation"
PURPOSE_RESET = "reset"
LINK_PATHS = {PURPOSE_INVITATION: "/account/welcome/", PURPOSE_RESET: "/account/reset/"}


class AccountLinkError(Exception):
    """A one-time link that cannot be used (unknown, used, replaced or expired)."""


# --- Preferences ---------------------------------------------------------------------------

def preference_for(user_id: int) -> NotificationPreference | None:
    return db.session.get(NotificationPreference, user_id)


def _preference(user: User) -> NotificationPreference:
    pref = preference_for(user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id, channel=CHANNEL_AUTO, muted=[])
        db.session.add(pref)
    return pref


def save_preferences(user: User, channel: str, muted: list[str]) -> NotificationPreference:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    unknown = [key for key in muted if key not in TOPIC_KEYS and key != MUTE_ALL]
    if unknown:
        raise ValueError(f"unknown topics: {', '.join(unknown)}")
    pref = _preference(user)
    pref.channel = channel
    pref.muted = sorted(set(muted))
    return pref


def mute(user: User, topic: str) -> NotificationPreference:
    """One-click unsubscribe: mute one topic, or every mutable one with MUTE_ALL."""
    pref = _preference(user)
    keys = set(pref.muted or [])
    keys.add(topic)
    pref.muted = sorted(keys)
    return pref


def reaching_transports(user: User, kind: str = "account.invitation") -> list[str]:
    """Names of the transports (Slack, e-mail) that can reach this person now."""
    probe = Notification(kind=kind, recipient_id=user.id, payload={}, subject="", state="pending")
    probe.recipient = user
    names = [t.name for t in delivery.transports() if t.reaches(probe)]
    if probe in db.session:  # a probe only: it must never be saved
        db.session.expunge(probe)
    return names


# --- The notification centre ---------------------------------------------------------------

def unread_count(user_id: int) -> int:
    return db.session.scalar(
        db.select(func.count(Notification.id))
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None),
               Notification.created_at <= utcnow())
    ) or 0


def notifications_for(user_id: int):
    """Newest first; only the person's own notifications (never a channel's or someone else's), and
    none held for later (`record_notification(not_before=…)`) before its time."""
    return (db.select(Notification)
            .where(Notification.recipient_id == user_id, Notification.created_at <= utcnow())
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def own_notification(user: User, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    mine = note is not None and note.recipient_id == user.id and note.created_at <= utcnow()
    return note if mine else None


def mark_read(note: Notification, now: datetime) -> None:
    if note.read_at is None:
        note.read_at = now


def mark_all_read(user: User, now: datetime) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None),
               Notification.created_at <= now)
        .values(read_at=now)
    )
    return result.rowcount


# --- One-time account links ----------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class IssuedLink:
    user: User
    purpose: str
    path: str
    # "notification" (sent by Slack or e-mail) or "handed_over" (the caller shows it once).
    route: str
    notification: Notification | None = None


INVITATION_SUBJECTS = [
    "Your Flashpoint account is ready",
    "Welcome to Flashpoint, {name}",
    "Set up your Flashpoint sign-in",
]
INVITATION_TEXTS = [
    "Hello {name}, you can now sign in to Flashpoint: read what customers say about you, share "
    "ideas and answer pulses. Choose your password with the link below (it works once, for 14 days).",
    "{name}, Flashpoint is where customer praise, hero stories and your team's ideas live. "
    "Set your password with this one-time link, valid for 14 days.",
    "Welcome aboard, {name}. One step left: pick a password with the link below. "
    "It can be used once and expires in 14 days.",
]
RESET_TEXTS = [
    "Someone (hopefully you) asked to reset your Flashpoint password. The link below works once "
    "within 2 hours. If it was not you, ignore this message: your password stays as it is.",
    "Here is the link to choose a new Flashpoint password. It works once and expires in 2 hours; "
    "if you did not ask for it, nothing changes unless the link is used.",
]


def issue_account_link(user: User, purpose: str, now: datetime, *, by: User | None = None,
                       hand_over: bool | None = None) -> tuple[IssuedLink, str]:
    """A new one-time link for `user`; older unused links of theirs stop working.

    Sent as a must-act notification when Slack or e-mail reaches the person; otherwise (or with
    hand_over=True) returned for the caller to show once. Returns (the link, the raw token).
    """
    if purpose not in LINK_PATHS:
        raise ValueError(f"unknown purpose {purpose!r}")
    if not user.active:
        raise AccountLinkError(f"{user.name} is deactivated.")
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None),
               AccountToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    path = LINK_PATHS[purpose] + token
    if hand_over is None:
        hand_over = not reaching_transports(user)
    route = "handed_over" if hand_over else "notification"
    lifetime = INVITATION_LIFETIME if purpose == PURPOSE_INVITATION else RESET_LIFETIME
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(token), route=route,
                                created_by_id=by.id if by else None, created_at=now,
                                expires_at=now + lifetime))
    link = IssuedLink(user, purpose, path, route)
    if not hand_over:
        if purpose == PURPOSE_INVITATION:
            kind = "account.invitation"
            subject = varied(kind, user, INVITATION_SUBJECTS, name=user.first_name)
            text = varied(kind, user, INVITATION_TEXTS, name=user.first_name)
        else:
            kind = "account.password_reset"
            subject = "Reset your Flashpoint password"
            text = varied(kind, user, RESET_TEXTS, name=user.first_name)
        # Absolute, like every one-time link: Slack buttons and e-mails need a full address.
        link.notification = record_notification(kind, subject, text, recipient=user,
                                                secret_url=absolute(path))
    return link, token


def find_account_link(token: str, now: datetime) -> AccountToken:
    row = db.session.scalar(db.select(AccountToken).where(AccountToken.token_hash == _hash(token or "")))
    if row is None or row.revoked_at is not None:
        raise AccountLinkError("This link is not valid (a newer one may have replaced it).")
    if row.used_at is not None:
        raise AccountLinkError("This link has already been used.")
    if row.expires_at <= now:
        raise AccountLinkError("This link has expired.")
    if not row.user.active:
        raise AccountLinkError("This account has been deactivated.")
    return row


def use_account_link(token: str, password: str, now: datetime) -> User:
    """Set the password through a one-time link; the link is spent whatever happens next."""
    check_password_strength(password)
    row = find_account_link(token, now)
    # The conditional UPDATE makes the link single-use even with two submissions at once.
    spent = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.used_at.is_(None),
               AccountToken.revoked_at.is_(None), AccountToken.expires_at > now)
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        raise AccountLinkError("This link has already been used.")
    user = row.user
    user.set_password(password)
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.id != row.id,
               AccountToken.used_at.is_(None), AccountToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return user


def request_password_reset(email: str, now: datetime) -> IssuedLink | None:
    """"Forgot your password?": a reset link to a person Slack or e-mail reaches. Returns None
    (and the caller says the same thing either way) for unknown, unreachable or throttled ones."""
    from flashpoint.people.services import user_by_email

    user = user_by_email((email or "").strip())
    if user is None or not user.active or not reaching_transports(user, "account.password_reset"):
        return None
    recent = db.session.scalar(
        db.select(func.count(AccountToken.id))
        .where(AccountToken.user_id == user.id, AccountToken.purpose == PURPOSE_RESET,
               AccountToken.created_at > now - RESET_THROTTLE)
    )
    if recent:
        return None
    link, _token = issue_account_link(user, PURPOSE_RESET, now, hand_over=False)
    return link


# --- Who has not signed in yet ----------------------------------------------------------

def never_signed_in(team_ids: set[int] | None):
    """Active people who never signed in, of these teams (None: the whole organisation)."""
    stmt = (db.select(User)
            .where(User.active.is_(True), User.last_login_at.is_(None))
            .order_by(User.name))
    if team_ids is not None:
        stmt = stmt.where(User.team_id.in_(team_ids or {-1}))
    return stmt


def latest_links(user_ids: list[int]) -> dict[int, AccountToken]:
    """The most recent one-time link of each person (to show "invited 3 days ago")."""
    if not user_ids:
        return {}
    rows = db.session.scalars(
        db.select(AccountToken).where(AccountToken.user_id.in_(user_ids))
        .order_by(AccountToken.created_at, AccountToken.id)
    ).all()
    return {row.user_id: row for row in rows}


def invite_everyone_not_signed_in(by: User, now: datetime) -> list[tuple[IssuedLink, str]]:
    """Invite each active person who never signed in and has no unexpired invitation yet."""
    people = db.session.scalars(never_signed_in(None)).all()
    latest = latest_links([p.id for p in people])
    issued = []
    for person in people:
        previous = latest.get(person.id)
        if previous is not None and previous.usable(now) and previous.purpose == PURPOSE_INVITATION:
            continue  # already invited and the link still works: "send again" is per person
        issued.append(issue_account_link(person, PURPOSE_INVITATION, now, by=by))
    return issued


def personal_data(user: User) -> list[dict]:
    """The person's own notifications, for their data export (never a one-time link)."""
    notes = db.session.scalars(db.select(Notification).where(Notification.recipient_id == user.id)
                               .order_by(Notification.created_at))
    return [{"kind": n.kind, "subject": n.subject, "text": (n.payload or {}).get("text", ""),
             "link": (n.payload or {}).get("link"), "created_at": n.created_at, "read_at": n.read_at}
            for n in notes]


def forget(user: User, _names: list[str]) -> None:
    """Erasure: the person's messages, one-time links and preferences go."""
    db.session.execute(db.delete(Notification).where(Notification.recipient_id == user.id))
    db.session.execute(db.delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(db.delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
