"""Fan-out of the event table: recording events with their webhook deliveries, and delivering them."""
