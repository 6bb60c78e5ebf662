"""Demo ideas and obstacles in every status across teams."""
from __future__ import annotations

import random


def load_ideas(rng: random.Random) -> None:
    return None
