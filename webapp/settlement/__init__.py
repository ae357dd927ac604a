"""What follows a closing: refunds (F1, F3) and returns of goods (F2), started by the dispute's events."""
