"""The demo organisation, loaded by `flask demo`: every area's demo step in order, each seeded so the
demo is the same every time. Areas add their steps through `registry.add_demo_step`."""
from __future__ import annotations

import random

from flask import current_app

from flashpoint.extensions import db
from flashpoint.people.models import Team, User
from flashpoint.registry import demo_steps

DEMO_PASSWORD = "flashpoint-demo"
DEMO_SEED = 20261125
DEMO_DOMAIN = "demo.flashpoint.test"


def has_data() -> bool:
    # A first admin created before anything else is data too: the demo must not land beside them.
    return (db.session.scalar(db.select(Team.id).limit(1)) is not None
            or db.session.scalar(db.select(User.id).limit(1)) is not None)


def load_demo(seed: int = DEMO_SEED) -> bool:
    """Load every registered demo step in order; False (and nothing done) when data exists."""
    if has_data():
        return False
    for step in demo_steps(current_app):
        step.load(random.Random(f"{seed}-{step.name}"))
        db.session.flush()
    db.session.commit()
    return True
