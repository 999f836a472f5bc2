"""backstock: an async GraphQL inventory API for headless commerce."""
