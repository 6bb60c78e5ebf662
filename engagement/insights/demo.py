"""Demo step "insights": rebuild the panel from the demo's feedback, pulses and history."""
from __future__ import annotations

import random

from engagement.insights import panel


def load_demo(rng: random.Random) -> None:
    panel.rebuild()
