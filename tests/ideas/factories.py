"""Factories for ideas: created through the service, as a person would."""
from __future__ import annotations

from engagement.ideas import submission, workflow
from flashpoint.extensions import db


def make_idea(submitter, team, title: str = "Shorter queues at the checkout", **fields):
    idea = submission.submit_idea(submitter, title=title, team=team, **fields)
    db.session.commit()
    return idea


def move(idea, actor, status, message="", **kwargs):
    event = workflow.change_status(idea, actor, status, message, **kwargs)
    db.session.commit()
    return event
