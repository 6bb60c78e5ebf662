"""Block Kit builders: pure functions from notifications and domain objects to Slack blocks, one module per area."""
