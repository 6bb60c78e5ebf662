"""The refusals pulse services raise, with messages fit to show the person who asked."""
from __future__ import annotations


class PulseError(Exception):
    """A refusal with a message fit to show the person who asked."""


class LinkUnusable(PulseError):
    """The one-time link is unknown, used or expired. `answered` tells the page to say the answers
    are in, rather than that nothing was stored."""

    def __init__(self, message: str, *, answered: bool = False) -> None:
        super().__init__(message)
        self.answered = answered
