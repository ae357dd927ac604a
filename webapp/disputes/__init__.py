"""The dispute itself: opening, negotiation, the one action path (perform/finish), deadlines and domain events."""
