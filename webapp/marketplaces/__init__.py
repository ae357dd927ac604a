"""Marketplaces: the tenants that own users, orders and disputes, and their API keys."""
