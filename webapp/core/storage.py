"""The app's evidence storage: local disk by default, S3-compatible when S3_BUCKET is set."""

from __future__ import annotations

from flask import Flask, current_app

from media import Storage, storage_from_settings

_KEY = "evidence_storage"


def init_app(app: Flask) -> None:
    """Create the storage backend this app keeps its evidence in."""
    settings = {k: str(v) for k, v in app.config.items() if isinstance(v, str | int) and k.isupper()}
    app.extensions[_KEY] = storage_from_settings(settings)


def storage() -> Storage:
    """The current app's storage backend."""
    return current_app.extensions[_KEY]
