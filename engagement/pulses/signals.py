"""Pulse events other areas subscribe to (insights refreshes its figures when a cycle closes).

Receivers run inside the sender's transaction: they may add rows, they must not commit.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: cycle=<PulseCycle> (closed_at just set). Sent once per cycle.
cycle_closed = _signals.signal("pulse-cycle-closed")
