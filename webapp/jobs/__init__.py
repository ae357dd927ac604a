"""Background jobs by name, for any feature: run eagerly, in an in-process pool, or by Celery workers."""
