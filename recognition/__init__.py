"""Recognition: customer feedback intake, praise routing, hero stories and celebrations."""
from flask import Flask

from recognition import digest, feedback, praise, stories


def init_app(app: Flask) -> None:
    feedback.init_app(app)
    stories.init_app(app)
    praise.init_app(app)
    # The digest is domain code (no Slack in it): it runs with or without Slack, and without
    # Slack its notes show in the outbox preview.
    digest.init_app(app)
