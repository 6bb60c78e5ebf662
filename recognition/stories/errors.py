"""StoryError, the refusal every stories and praise service raises, and the plain-text check they share."""
from __future__ import annotations

import re

TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


class StoryError(ValueError):
    """A request about a story that cannot be carried out; `errors` says why, field by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))
