"""Customer feedback sources: help desks and review sites pulled on a schedule (`base`, `sync`), and
signed webhooks (`webhooks`), all taken in through the one intake validation."""
from recognition.feedback.sources import models  # noqa: F401  (tables known to migrations)
