"""Background processing of evidence items: dispatch (queue), Celery, the sweep and its CLI."""
