"""A tiny marketplace that plugs into the disputes service (see README: Plug it into your marketplace)."""
