"""Home pages per role: a party's disputes and orders, the mediator's queue (H3, M1, M8)."""
