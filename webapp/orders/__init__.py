"""Orders: the purchases a dispute can be opened on, and their facts for the opening rules."""
