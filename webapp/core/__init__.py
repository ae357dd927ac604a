"""What every feature stands on: settings, the database, the app clock, storage, htmx and response helpers."""
