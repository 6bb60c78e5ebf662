"""The notification outbox: what should be said to whom, recorded in the caller's transaction
and delivered later, exactly once, by the delivery duty."""
