"""Slack tests: every app here talks to a local fake Slack Web API (tests/slack/helpers.py).

Fixtures: `fake_slack` (the fake Web API, recording calls, scriptable answers), `slack` (signed
requests to /slack/events through the Flask test client). `app_overrides` points the app at the
fake. Other areas reuse them the same way: see the docstring of tests/slack/helpers.py.
Test data for hero stories in Slack: tests/slack/factories.py (`make_slack_team`, `values_ids`,
`nomination_values` = the `state.values` of a submitted nomination modal).
"""
import pytest

from tests.slack.helpers import fake_slack, slack, slack_settings  # noqa: F401  (fixtures)


@pytest.fixture
def app_overrides(fake_slack):
    return slack_settings(fake_slack)
