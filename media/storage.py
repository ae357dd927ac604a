"""The storage interface shared by every backend, its result type and its errors.

Evidence is write-once: there is no overwrite, and the only delete is `discard`, for an object
whose record was never committed (a crash or a rollback between the put and the commit). A
backend streams data in bounded chunks, so memory use does not grow with the size of an upload,
and an upload received with `receive()` touches the disk once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, BinaryIO, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from media.receiving import Guard, ReceivedFile

Disposition = Literal["inline", "attachment"]

#: Longest lifetime of a presigned URL, in seconds.
MAX_URL_EXPIRY = 300

_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE_RE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"[^\"\\\x00-\x1f\x7f]*\"))*"
)


class StorageError(Exception):
    """Base class of every error raised by a storage backend."""


class ObjectExists(StorageError):
    """The key is already taken; stored objects are never overwritten."""

    def __init__(self, key: str) -> None:
        super().__init__(f"object already exists: {key}")
        self.key = key


class ObjectNotFound(StorageError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"object not found: {key}")
        self.key = key


class TooLarge(StorageError):
    """The stream carried more than the allowed number of bytes."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"stream exceeds the limit of {max_bytes} bytes")
        self.max_bytes = max_bytes


class InvalidKey(StorageError, ValueError):
    """A key, or a part of one, does not follow the server-made key grammar."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What was stored: the key, its size in bytes, its SHA-256 (hex) and content type."""

    key: str
    size: int
    sha256: str
    content_type: str


@runtime_checkable
class Storage(Protocol):
    """A write-once object store for evidence files."""

    def receive(self, guard: Guard | None = None) -> ReceivedFile:
        """A file to write an upload into as it arrives, which `put` then stores without a copy."""
        ...

    def put(
        self,
        key: str,
        stream: IO[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Store the stream under a new key; raise ObjectExists or TooLarge, leaving no trace.

        A ReceivedFile from this storage's `receive()` is stored as it is: hashed already, never
        read or copied again on local disk, sent from its file on S3.
        """
        ...

    def discard(self, key: str) -> None:
        """Remove an object that no record refers to; a key with no object is not an error."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads; the caller closes it."""
        ...

    def exists(self, key: str) -> bool:
        """Tell whether an object is stored under the key."""
        ...

    def size(self, key: str) -> int:
        """Return the object's size in bytes."""
        ...

    def url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int = MAX_URL_EXPIRY,
    ) -> str | None:
        """Return a short-lived direct URL, or None to serve through the app's own route."""
        ...

    def close(self) -> None:
        """Release network clients or other resources held by the backend."""
        ...


def check_content_type(content_type: str) -> str:
    """Return the content type if it is a well-formed MIME type, else raise ValueError."""
    if not isinstance(content_type, str) or not _CONTENT_TYPE_RE.fullmatch(content_type):
        raise ValueError(f"invalid content type: {content_type!r}")
    return content_type


def check_max_bytes(max_bytes: int | None) -> int | None:
    """Return max_bytes if it is None or a non-negative int, else raise ValueError."""
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
        raise ValueError(f"invalid max_bytes: {max_bytes!r}")
    return max_bytes


def check_expiry(expires_in: int) -> int:
    """Return the URL lifetime capped at MAX_URL_EXPIRY; refuse non-positive values."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in < 1:
        raise ValueError(f"invalid expires_in: {expires_in!r}")
    return min(expires_in, MAX_URL_EXPIRY)
