"""A write-once storage backend on the local filesystem."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import IO, BinaryIO

from media.keys import check_key, content_disposition
from media.receiving import Guard, ReceivedFile
from media.scratch import Scratch
from media.storage import (
    Disposition,
    InvalidKey,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoredObject,
    TooLarge,
    check_content_type,
    check_expiry,
    check_max_bytes,
)

READ_ONLY = 0o444
# Uploads are received and staged here, on the same filesystem as the objects, so that the
# final os.link() is atomic and copies nothing. Keys cannot start with a dot, so this never
# collides with one.
STAGING_DIR = ".staging"


class LocalDiskStorage:
    """Store objects as read-only files under a root directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        # One held scratch folder per put: what a process killed mid-put left goes at the next start.
        self._staging = Scratch(self.root / STAGING_DIR)
        self._staging.remove_abandoned()

    def path_for(self, key: str) -> Path:
        """Return the file path of a key, refusing any key that would leave the root."""
        check_key(key)
        path = self.root.joinpath(*key.split("/"))
        # The key grammar already rules out "..", absolute paths and backslashes; this
        # also catches a symlink planted inside the root that points outside it.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"key escapes the storage root: {key!r}")
        return path

    def receive(self, guard: Guard | None = None) -> ReceivedFile:
        """A file to write an upload into, in the staging folder, ready to be linked into place by `put`."""
        return ReceivedFile(self._staging.hold(uuid.uuid4().hex), guard)

    def put(
        self,
        key: str,
        stream: IO[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Link a file received here into place, or stage the stream first; never overwrite."""
        path = self.path_for(key)
        check_content_type(content_type)
        check_max_bytes(max_bytes)
        if self.exists(key):
            raise ObjectExists(key)
        if isinstance(stream, ReceivedFile) and stream.path.parent.parent == self._staging.root:
            return self._link(key, path, stream, content_type, max_bytes)
        with self.receive() as staged:
            staged.copy_from(stream, max_bytes)
            return self._link(key, path, staged, content_type, max_bytes)

    def _link(
        self, key: str, path: Path, received: ReceivedFile, content_type: str, max_bytes: int | None
    ) -> StoredObject:
        """Make the staged file durable and read-only, then link it under its key: no copy."""
        if max_bytes is not None and received.size > max_bytes:
            raise TooLarge(max_bytes)
        received.sync()
        os.fchmod(received.fileno(), READ_ONLY)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise StorageError(f"an object stands where a folder of {key!r} goes") from None
        try:
            # link() fails if the target exists, unlike rename(), which would clobber.
            os.link(received.path, path)
        except FileExistsError:
            raise ObjectExists(key) from None
        _fsync_dir(path.parent)
        return StoredObject(key, received.size, received.sha256, content_type)

    def open(self, key: str) -> BinaryIO:
        """Open the stored file for reading."""
        try:
            return open(self.path_for(key), "rb")  # the caller closes it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    def exists(self, key: str) -> bool:
        """Tell whether a file is stored under the key."""
        return self.path_for(key).is_file()

    def size(self, key: str) -> int:
        """Return the stored file's size in bytes."""
        path = self.path_for(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path.stat().st_size

    def url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int = 300,
    ) -> str | None:
        """Return None: local files are served only through the app's authorized route."""
        check_key(key)
        check_content_type(content_type)
        check_expiry(expires_in)
        content_disposition(disposition, filename)
        return None

    def discard(self, key: str) -> None:
        """Unlink the file (read-only files go with their folder's permission), then its folder if empty."""
        path = self.path_for(key)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: the item's other variants are there
            path.parent.rmdir()

    def close(self) -> None:
        """Nothing to release."""


def _fsync_dir(path: Path) -> None:
    """Flush a directory entry to disk so a new link survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
