"""The append-only history of every dispute (H1) and the notifications it sends (H2)."""
