"""A file received straight into a storage's own staging: written once, hashed and counted as it arrives.

A storage hands one out with `receive()`; whatever brings the bytes (a request's form parser, a
copy from another stream) writes into it, and `put()` of the same storage then stores it without
reading or copying it again (a link on local disk, an upload from the file on S3). It lives in a
scratch folder held by this process: `close()` removes it, and a process killed meanwhile leaves
it to the next start's clean-up.
"""

from __future__ import annotations

import hashlib
import io
import os
import queue
import threading
from collections.abc import Callable
from typing import IO, Any

from media.hashing import CHUNK_SIZE
from media.scratch import Held
from media.sniff import SNIFF_BYTES
from media.storage import TooLarge

#: Called before each write with the file's first bytes and its size with that write; raises to refuse it.
Guard = Callable[[bytes, int], None]
FILE_NAME = "upload"
HASH_INLINE_UP_TO = 1024 * 1024  # past this, a thread hashes while the next bytes arrive
HASH_QUEUE_CHUNKS = 64  # bounds the memory of chunks waiting to be hashed (64 KB each from a form)


class _Hasher:
    """SHA-256 of what it is given, on a thread of its own once the bytes are many.

    hashlib lets go of the GIL on large buffers, so hashing a large upload overlaps receiving and
    writing it instead of adding to them; the queue keeps memory bounded (a full one waits).
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._seen = 0
        self._queue: queue.Queue[bytes | None] | None = None
        self._thread: threading.Thread | None = None

    def update(self, data: bytes) -> None:
        self._seen += len(data)
        if self._queue is None and self._seen <= HASH_INLINE_UP_TO:
            self._hash.update(data)
            return
        if self._queue is None:
            self._queue = queue.Queue(HASH_QUEUE_CHUNKS)
            self._thread = threading.Thread(target=self._run, name="sha256", daemon=True)
            self._thread.start()
        self._queue.put(data)

    def hexdigest(self) -> str:
        self.stop()
        return self._hash.hexdigest()

    def stop(self) -> None:
        """Hash what is queued, then end the thread."""
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread, self._queue = None, None

    def _run(self) -> None:
        assert self._queue is not None
        while (chunk := self._queue.get()) is not None:
            self._hash.update(chunk)


class ReceivedFile(io.FileIO):
    """A file being written once: every byte is hashed and counted on its way to disk.

    Writing ends at the first seek, read or use of its descriptor (a form parser rewinds the file
    once it has it all); from then on it is a seekable file to sniff and probe, never changed again.
    """

    def __init__(self, held: Held, guard: Guard | None = None) -> None:
        self._held = held
        self._guard = guard
        self._hash = _Hasher()
        self._size = 0
        self._head = b""
        self._sealed = False
        self.path = held.path / FILE_NAME
        try:
            super().__init__(self.path, "x+")
        except BaseException:
            held.release()
            raise

    @property
    def size(self) -> int:
        """Bytes received."""
        return self._size

    @property
    def head(self) -> bytes:
        """The first bytes, enough to tell what the file is."""
        return self._head

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes received, as lowercase hex (writing ends here)."""
        self.finish()
        return self._hash.hexdigest()

    def write(self, data: Any) -> int:
        """Append all of `data` (the guard may refuse it first: the file is then removed)."""
        if self._sealed:
            raise ValueError("a received file is written once: it was already read")
        size = self._size + len(data)
        if len(self._head) < SNIFF_BYTES:
            self._head += bytes(data[: SNIFF_BYTES - len(self._head)])
        if self._guard is not None:
            try:
                self._guard(self._head, size)
            except BaseException:
                self.close()
                raise
        self._hash.update(bytes(data))  # a copy only if it is not bytes already: the hasher keeps it
        self._size = size
        view = memoryview(data).cast("B")
        while view:
            written = super().write(view)
            view = view[written or 0 :]
        return len(data)

    def copy_from(self, stream: IO[bytes], max_bytes: int | None = None) -> None:
        """Write everything `stream` gives, refusing (TooLarge) more than max_bytes."""
        while chunk := stream.read(CHUNK_SIZE):
            if max_bytes is not None and self._size + len(chunk) > max_bytes:
                raise TooLarge(max_bytes)
            self.write(chunk)

    def finish(self) -> None:
        """End writing: from now on the file only reads."""
        self._sealed = True

    def sync(self) -> None:
        """End writing and make the bytes durable (fsync)."""
        self.finish()
        os.fsync(super().fileno())

    def read(self, size: int | None = -1) -> bytes:
        """Read from the current position (writing ends at the first read)."""
        self.finish()
        return super().read(-1 if size is None else size) or b""

    def readinto(self, buffer: Any) -> int:
        """Read into a buffer (writing ends at the first read)."""
        self.finish()
        return super().readinto(buffer) or 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position (writing ends at the first seek)."""
        self.finish()
        return super().seek(offset, whence)

    def fileno(self) -> int:
        """The file's descriptor (writing ends here: what is done with it cannot be hashed)."""
        self.finish()
        return super().fileno()

    def writable(self) -> bool:
        """True until writing ends."""
        return not self._sealed and super().writable()

    def close(self) -> None:
        """Close the file and remove its folder (what `put` stored from it stays)."""
        try:
            self._hash.stop()
            super().close()
        finally:
            self._held.release()
