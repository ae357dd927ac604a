"""Mediation: evidence requests, proposed and final decisions, and how they follow the dispute (M1-M8)."""
