"""Disputes: opening, negotiation, deadlines, and the dispute page."""
