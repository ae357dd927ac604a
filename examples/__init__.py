"""Examples of using the disputes service."""
