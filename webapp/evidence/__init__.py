"""The evidence locker: photos, videos and pinned messages from both parties (E1-E4)."""
