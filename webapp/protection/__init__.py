"""Extending buyer protection while the parcel is in transit (O10-O13)."""
