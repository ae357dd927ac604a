"""Accounts: users, roles, membership tiers, logging in and out."""
