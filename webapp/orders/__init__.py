"""Orders: the purchases a dispute can be opened on."""
