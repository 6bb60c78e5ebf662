"""Customer feedback intake: the public form, CSV import, the JSON API and HR's feedback view."""
from flask import Flask

from recognition.feedback import models  # noqa: F401  (tables known to migrations)


def init_app(app: Flask) -> None:
    """Register the intake's blueprints, commands and demo data."""
