"""Who is this Slack user in Flashpoint: by Slack id, else by e-mail through `users.info`."""
from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from flashpoint.extensions import db
from flashpoint.people.models import User

log = logging.getLogger(__name__)

UNKNOWN_PERSON = (
    "I couldn't find your Flashpoint account. Ask a Flashpoint admin to add your Slack id "
    "(`{slack_id}`) to your profile, or use the same e-mail address in Slack and Flashpoint."
)


def person_for_slack_user(slack_user_id: str | None, client=None) -> User | None:
    """The active account behind a Slack user, or None.

    Matched by the stored Slack id first; otherwise by the e-mail Slack has for them
    (`users.info`, scope users:read.email), and the id is stored so the next time is a lookup.
    """
    if not slack_user_id:
        return None
    user = db.session.scalar(db.select(User).where(User.slack_user_id == slack_user_id))
    if user is not None:
        return user if user.active else None
    if client is None:
        return None
    email = _slack_email(client, slack_user_id)
    if not email:
        return None
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        return None
    if user.slack_user_id and user.slack_user_id != slack_user_id:
        # The account is tied to another Slack user: an admin must sort that out.
        log.warning("Slack user %s has the e-mail of %s, who is linked to %s", slack_user_id,
                    user.email, user.slack_user_id)
        return None
    user.slack_user_id = slack_user_id
    db.session.commit()
    return user


def people_for_slack_users(slack_user_ids: list[str], client=None) -> tuple[list[User], list[str]]:
    """Accounts for several Slack users, in order, and the ids nobody could be found for."""
    found, missing = [], []
    for slack_id in dict.fromkeys(slack_user_ids):
        user = person_for_slack_user(slack_id, client)
        if user is None:
            missing.append(slack_id)
        elif user not in found:
            found.append(user)
    return found, missing


def _slack_email(client, slack_user_id: str) -> str | None:
    try:
        answer = client.users_info(user=slack_user_id)
    except SlackApiError as exc:
        log.info("users.info for %s failed: %s", slack_user_id, exc.response.get("error"))
        return None
    except Exception as exc:  # Slack unreachable: the person stays unknown for now
        log.warning("users.info for %s failed: %s", slack_user_id, exc)
        return None
    profile = (answer.get("user") or {}).get("profile") or {}
    return profile.get("email")


def forget(user, _names: list[str]) -> None:
    """Erasure: the DM channel kept for the leaver's Slack id goes with it."""
    from slack_bot.models import SlackDirectChannel

    if user.slack_user_id:
        db.session.execute(db.delete(SlackDirectChannel).where(SlackDirectChannel.slack_user_id == user.slack_user_id))
