"""Mediation: evidence requests, proposed and final decisions (M1-M8)."""
