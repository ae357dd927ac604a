"""Choose the storage backend from the app's settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from media.local_disk import LocalDiskStorage
from media.s3 import S3Storage
from media.storage import Storage

DEFAULT_MEDIA_ROOT = "instance/media"


def storage_from_settings(settings: Mapping[str, str]) -> Storage:
    """Return S3 storage when S3_BUCKET is set, else local disk at MEDIA_ROOT."""
    if settings.get("S3_BUCKET"):
        return S3Storage.from_env(settings)
    return LocalDiskStorage(Path(settings.get("MEDIA_ROOT") or DEFAULT_MEDIA_ROOT))
