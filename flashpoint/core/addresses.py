"""Where Flashpoint's links point.

Pages are answered inside a request, so while `BASE_URL` is unset they use the address the request
came in on (through `TRUSTED_PROXIES`' ProxyFix when a proxy is in front): a manager who opened the
app at http://shop-pc:8000 prints a poster that leads there. Messages (Slack, e-mail) are sent by
the scheduler outside any request, so they can only use `BASE_URL`, whose default is a loopback
address; admins are told when that is so, because such links lead nowhere for anyone else.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def page_base_url() -> str:
    """The address to put in front of a path shown on a page (the poster, the form link)."""
    if current_app.config["BASE_URL_CONFIGURED"] or not has_request_context():
        return current_app.config["BASE_URL"]
    return request.host_url.rstrip("/")


def page_url(path: str) -> str:
    return page_base_url() + path


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine only (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SetupCheck:
    """One line of the admin's setup overview: what is set up, and what to do when it is not."""
    name: str
    ok: bool
    detail: str


def message_links_warning() -> str | None:
    """The warning to show while links in messages point at a loopback address, else None."""
    base = current_app.config["BASE_URL"]
    if not is_loopback(base):
        return None
    how = "BASE_URL is not set" if not current_app.config["BASE_URL_CONFIGURED"] else f"BASE_URL is {base}"
    return (f"Links in Slack messages and e-mails point at {base}, which only works on this computer "
            f"({how}). Set BASE_URL to the address people use to reach Flashpoint.")


def poster_warning(form_url: str) -> str | None:
    """Why a printed poster would lead nowhere, if it would."""
    if is_loopback(form_url):
        return (f"This poster's QR code leads to {form_url}, an address that only works on this "
                "computer. Open Flashpoint through the address customers' phones can reach, or set "
                "BASE_URL, before printing.")
    return None


def setup_checks(now: datetime) -> list[SetupCheck]:
    """What an admin should know about how this deployment is set up, as of `now` (UTC)."""
    config = current_app.config
    links = message_links_warning()
    slack = bool(config.get("SLACK_BOT_TOKEN") and config.get("SLACK_SIGNING_SECRET"))
    last_claim = last_duty_claim()
    return [
        SetupCheck("Links in messages", links is None,
                   links or f"Slack messages and e-mails link to {config['BASE_URL']}."),
        SetupCheck("Slack", slack,
                   "Connected: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set." if slack else
                   "Off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to celebrate heroes in Slack."),
        SetupCheck("E-mail", bool(config.get("SMTP_URL")),
                   f"Sent as {config['MAIL_FROM']}." if config.get("SMTP_URL") else
                   "Off: set SMTP_URL so people without Slack hear from Flashpoint by e-mail."),
        _scheduler_check(last_claim, now, config.get("FLASHPOINT_SCHEDULER") == "embedded"),
    ]


def last_duty_claim():
    """When a scheduler last claimed a duty: the one trace a scheduler in another process leaves."""
    from flashpoint.extensions import db
    from flashpoint.scheduler import DutyClaim

    return db.session.scalar(db.select(db.func.max(DutyClaim.claimed_at)))


def _scheduler_check(last_claim, now: datetime, embedded: bool) -> SetupCheck:
    where = "inside the web process" if embedded else "as its own process (flask --app wsgi scheduler)"
    if last_claim is None:
        return SetupCheck("Scheduler", False, f"No duty has run yet. The scheduler runs {where}; "
                          "without it pulses, reminders and deliveries wait.")
    if now - last_claim > timedelta(minutes=10):
        return SetupCheck("Scheduler", False, f"The last duty ran at {last_claim:%Y-%m-%d %H:%M} UTC. "
                          f"Check that the scheduler runs {where}.")
    return SetupCheck("Scheduler", True, f"Running {where}; the last duty ran at "
                      f"{last_claim:%Y-%m-%d %H:%M} UTC.")
