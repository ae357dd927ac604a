"""Case export: one ZIP of a dispute as one person may see it, built by a job (issue 11, item 15)."""
