"""Notifications (H2): the bell, the list with mark-as-read, and the emails (SMTP or the demo outbox)."""
