"""The evidence locker: uploads, their processing jobs and sweep, and who may see which file (E1-E4)."""
