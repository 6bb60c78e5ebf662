"""Praise routing and hero stories: the manager's inbox, nominations, approval and the wall."""
from datetime import timedelta

from flask import Flask

from recognition import signals
from recognition.stories import models, permissions  # noqa: F401  (tables and rules registered)


def init_app(app: Flask) -> None:
    """Register praise routing, the hero wall and nominations."""
    from flashpoint.scheduler import register_duty
    from recognition.stories import services
    from recognition.stories.praise import on_feedback_received

    # weak=False: the receiver is a module function, but be explicit that it must stay connected.
    signals.feedback_received.connect(on_feedback_received, weak=False)
    register_duty(app, "story_approval_reminders", timedelta(hours=1), services.remind_waiting)
