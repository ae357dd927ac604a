"""The dispute itself: opening, negotiation, the one action path (perform and finish), its deadlines."""
