"""The refusal idea services raise, with a message for the person who asked and the field it concerns."""
from __future__ import annotations


class IdeaError(ValueError):
    """A request that cannot be carried out; the message says why, for the person who asked."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
