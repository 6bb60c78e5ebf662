"""Trust tests reuse the fake Slack Web API and signed Slack requests (tests/slack/helpers.py)."""
from tests.slack.helpers import fake_slack, slack  # noqa: F401  (fixtures)
