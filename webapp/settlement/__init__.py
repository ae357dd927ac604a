"""What follows a decision: refunds (F1, F3) and returns of goods (F2)."""
