"""Recognition: customer feedback intake, praise routing, hero stories and celebrations."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, commands, duties, navigation and demo data."""
