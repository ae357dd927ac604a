"""Chunked SHA-256 hashing and size limits for streams and files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import IO

from media.storage import TooLarge, check_max_bytes

CHUNK_SIZE = 256 * 1024


class HashingReader:
    """Wrap a binary stream: hash and count the bytes read, and refuse more than max_bytes.

    The wrapped stream is not closed by this reader; its owner closes it.
    """

    def __init__(self, stream: IO[bytes], *, max_bytes: int | None = None) -> None:
        self._stream = stream
        self._max_bytes = check_max_bytes(max_bytes)
        self._hash = hashlib.sha256()
        self._size = 0
        self._eof = False

    @property
    def size(self) -> int:
        """Number of bytes read so far."""
        return self._size

    @property
    def eof(self) -> bool:
        """True once the wrapped stream has reported its end."""
        return self._eof

    def hexdigest(self) -> str:
        """SHA-256 of the bytes read so far, as lowercase hex."""
        return self._hash.hexdigest()

    def readable(self) -> bool:
        """Always True: this is a readable stream."""
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Read up to size bytes (all that remain if size is negative or None)."""
        if size is None or size < 0:
            return b"".join(self.chunks())
        if size == 0 or self._eof:
            return b""
        if self._max_bytes is not None:
            # Ask for at most one byte past the limit: enough to detect an overflow
            # without pulling a large tail of an oversized upload.
            size = min(size, self._max_bytes - self._size + 1)
        data = self._stream.read(size)
        if not data:
            self._eof = True
            return b""
        self._size += len(data)
        if self._max_bytes is not None and self._size > self._max_bytes:
            raise TooLarge(self._max_bytes)
        self._hash.update(data)
        return data

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the rest of the stream in chunks of at most chunk_size bytes."""
        while chunk := self.read(chunk_size):
            yield chunk


def sha256_file(path: str | os.PathLike[str], chunk_size: int = CHUNK_SIZE) -> str:
    """Return the SHA-256 of a file's content as lowercase hex, reading it in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def copy_stream(reader: HashingReader, out: IO[bytes], limit: int | None = None) -> int:
    """Copy from reader to out, at most limit bytes (all if None); return the count copied."""
    copied = 0
    while limit is None or copied < limit:
        want = CHUNK_SIZE if limit is None else min(CHUNK_SIZE, limit - copied)
        chunk = reader.read(want)
        if not chunk:
            break
        out.write(chunk)
        copied += len(chunk)
    return copied
