"""Webhooks (Standard Webhooks): a transactional outbox of dispute events, delivered in order per dispute."""
