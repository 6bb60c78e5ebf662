"""Pulses in Slack: opening the modal of a cycle's questions and storing its answers.

Single use, expiry and anonymity live in `engagement.pulses.answering`. Nothing here logs or
stores an answer.
"""
from __future__ import annotations

from engagement.pulses import answering
from engagement.pulses.errors import LinkUnusable, PulseError
from flashpoint.extensions import db
from flashpoint.timeutil import utcnow
from slack_bot.answers import acting_person, open_modal, tell
from slack_bot.blocks.pulses import message_view, pulse_modal
from slack_bot.flows import errors, update
from slack_bot.payloads import selected_value, text_value


def open_pulse(client, body: dict, respond, cycle_id: int | None) -> None:
    """*Start*: the modal, when the person is invited and the pulse still open."""
    person = acting_person(client, body, respond)
    if person is None:
        return
    try:
        participation = answering.open_participation(person, cycle_id, utcnow())
    except PulseError as exc:
        tell(client, body, str(exc), respond)
        return
    open_modal(client, body, pulse_modal(participation.cycle), respond)


def submit_pulse(person, cycle_id: int, values: dict) -> dict:
    """Store the answers of a submitted pulse modal (`values`: its state): the modal's answer."""
    now = utcnow()
    try:
        participation = answering.open_participation(person, cycle_id, now)
    except PulseError as exc:
        return update(message_view("Pulse", str(exc)))
    cycle = participation.cycle
    raw = {f"q{item.id}": selected_value(values, f"q{item.id}", "answer") or "" for item in cycle.items}
    answers, problems = answering.parse_answers(cycle, raw)
    if problems:
        return errors({f"q{item_id}": message for item_id, message in problems.items()})
    comment = text_value(values, "comment", "comment")
    try:
        answering.submit_answers(participation, answers, comment, now)
        db.session.commit()
    except LinkUnusable as exc:
        db.session.rollback()
        return update(message_view("Pulse", str(exc)))
    except PulseError as exc:
        db.session.rollback()
        return errors({"comment": str(exc)})
    thanks = "Thank you! Your answers are in, anonymously."
    if comment.strip():
        thanks += " If a manager replies to your comment, you will find it in your Flashpoint notifications."
    return update(message_view("Thank you", thanks))
