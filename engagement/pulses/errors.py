"""The refusals pulse services raise, with messages fit to show the person who asked."""
from __future__ import annotations


class PulseError(Exception):
    """A refusal with a message fit to show the person who asked."""


class LinkUnusable(PulseError):
    """The one-time link is unknown, used or expired."""
