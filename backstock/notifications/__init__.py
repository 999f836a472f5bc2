"""Email: message builders, the outbox (written inside the caller's transaction) and its dispatcher."""
