"""Recognition: customer feedback intake, praise routing, hero stories and celebrations."""
from flask import Flask

from recognition import feedback, stories


def init_app(app: Flask) -> None:
    feedback.init_app(app)
    stories.init_app(app)
