"""Write-once storage for evidence files: keys, hashing and disk or S3 backends.

Plain Python: no web framework, and no knowledge of disputes beyond the key layout.
"""

from media.errors import MediaError, MediaRejected, MediaTimeout, MediaToolMissing
from media.factory import storage_from_settings
from media.hashing import HashingReader, sha256_file
from media.keys import (
    VARIANTS,
    Variant,
    check_key,
    content_disposition,
    evidence_key,
    safe_download_name,
)
from media.local_disk import LocalDiskStorage
from media.receiving import Guard, ReceivedFile
from media.s3 import S3Storage
from media.storage import (
    MAX_URL_EXPIRY,
    Disposition,
    InvalidKey,
    ObjectExists,
    ObjectNotFound,
    Storage,
    StorageError,
    StoredObject,
    TooLarge,
)

__all__ = [
    "MAX_URL_EXPIRY",
    "VARIANTS",
    "Disposition",
    "Guard",
    "HashingReader",
    "InvalidKey",
    "LocalDiskStorage",
    "MediaError",
    "MediaRejected",
    "MediaTimeout",
    "MediaToolMissing",
    "ObjectExists",
    "ObjectNotFound",
    "ReceivedFile",
    "S3Storage",
    "Storage",
    "StorageError",
    "StoredObject",
    "TooLarge",
    "Variant",
    "check_key",
    "content_disposition",
    "evidence_key",
    "safe_download_name",
    "sha256_file",
    "storage_from_settings",
]
