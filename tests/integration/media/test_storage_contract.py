"""One contract for every storage backend: local disk and S3 (moto's server)."""

from __future__ import annotations

import hashlib
import io
import random
import signal
import stat
import subprocess
import sys
import tracemalloc
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from media import (
    Guard,
    InvalidKey,
    LocalDiskStorage,
    ObjectExists,
    ObjectNotFound,
    ReceivedFile,
    S3Storage,
    Storage,
    TooLarge,
    content_disposition,
    evidence_key,
    sha256_file,
    storage_from_settings,
)
from media.local_disk import STAGING_DIR
from media.s3 import PART_SIZE

MiB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]


class GeneratedStream:
    """A readable stream of seeded pseudo-random bytes, made one chunk at a time."""

    def __init__(self, size: int, seed: int = 0) -> None:
        self._chunks = generate(size, seed)
        self._buffer = b""

    def read(self, n: int = -1) -> bytes:
        """Return at most n bytes, and short reads at chunk ends, as a socket would."""
        if n is None or n < 0:
            raise AssertionError("storage must never read a whole stream at once")
        if not self._buffer:
            self._buffer = next(self._chunks, b"")
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


def generate(size: int, seed: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Yield size seeded pseudo-random bytes in chunks."""
    rng = random.Random(seed)
    for start in range(0, size, chunk):
        yield rng.randbytes(min(chunk, size - start))


def expected_sha256(size: int, seed: int) -> str:
    """SHA-256 of what GeneratedStream(size, seed) serves, computed independently."""
    digest = hashlib.sha256()
    for chunk in generate(size, seed):
        digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(storage: Storage, key: str) -> str:
    """Read the object back in chunks and hash it."""
    digest = hashlib.sha256()
    with storage.open(key) as f:
        while chunk := f.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def new_key(variant: str = "original") -> str:
    """A fresh server-made evidence key."""
    return evidence_key(42, uuid.uuid4().hex, variant)  # type: ignore[arg-type]


def test_stored_bytes_come_back_byte_for_byte(storage: Storage) -> None:
    data = bytes(range(256)) * 1000 + b"\x00\r\n tail"
    key = new_key()
    storage.put(key, io.BytesIO(data), content_type="image/jpeg")
    with storage.open(key) as f:
        assert f.read() == data
    assert storage.exists(key)
    assert storage.size(key) == len(data)


def test_put_reports_the_size_and_sha256_that_hashlib_computes(storage: Storage) -> None:
    data = random.Random(1).randbytes(300_000)
    key = new_key()
    stored = storage.put(key, io.BytesIO(data), content_type="image/png")
    assert stored.key == key
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.content_type == "image/png"


def test_an_empty_stream_is_stored_as_an_empty_object(storage: Storage) -> None:
    key = new_key()
    stored = storage.put(key, io.BytesIO(b""), content_type="image/jpeg")
    assert (stored.size, stored.sha256) == (0, hashlib.sha256(b"").hexdigest())
    assert storage.size(key) == 0


def test_second_put_to_the_same_key_is_refused_and_keeps_the_original(storage: Storage) -> None:
    key = new_key()
    storage.put(key, io.BytesIO(b"the original"), content_type="image/jpeg")
    with pytest.raises(ObjectExists):
        storage.put(key, io.BytesIO(b"a forgery"), content_type="image/jpeg")
    with storage.open(key) as f:
        assert f.read() == b"the original"


@pytest.mark.parametrize("size", [1000, 9 * MiB], ids=["one-part", "multipart"])
def test_write_once_holds_even_when_the_existence_check_is_raced(
    storage: Storage,
    leftovers: Callable[[], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    size: int,
) -> None:
    key = new_key()
    storage.put(key, io.BytesIO(b"the original"), content_type="image/jpeg")
    # Pretend another writer won the race after our existence check said "free".
    monkeypatch.setattr(storage, "exists", lambda key: False)
    with pytest.raises(ObjectExists):
        storage.put(key, GeneratedStream(size), content_type="image/jpeg")
    monkeypatch.undo()
    with storage.open(key) as f:
        assert f.read() == b"the original"
    assert leftovers() == sorted(_visible(storage, key))


@pytest.mark.parametrize(
    ("limit", "size"), [(1000, 1001), (9 * MiB, 12 * MiB)], ids=["one-part", "multipart"]
)
def test_a_stream_over_max_bytes_is_refused_and_leaves_nothing_behind(
    storage: Storage, leftovers: Callable[[], list[str]], limit: int, size: int
) -> None:
    key = new_key()
    with pytest.raises(TooLarge) as excinfo:
        storage.put(key, GeneratedStream(size), content_type="video/mp4", max_bytes=limit)
    assert excinfo.value.max_bytes == limit
    assert not storage.exists(key)
    assert leftovers() == []
    # The key is still free for a valid upload.
    storage.put(key, GeneratedStream(limit), content_type="video/mp4", max_bytes=limit)
    assert storage.size(key) == limit


def test_a_stream_of_exactly_max_bytes_is_accepted(storage: Storage) -> None:
    key = new_key()
    stored = storage.put(key, GeneratedStream(4096), content_type="image/jpeg", max_bytes=4096)
    assert stored.size == 4096


def test_discard_removes_an_object_and_a_missing_one_is_no_error(
    storage: Storage, leftovers: Callable[[], list[str]]
) -> None:
    key = new_key()
    storage.put(key, io.BytesIO(b"never committed"), content_type="image/jpeg")

    storage.discard(key)
    storage.discard(key)

    assert not storage.exists(key) and not any(key in left for left in leftovers())
    storage.put(key, io.BytesIO(b"again"), content_type="image/jpeg")  # the key is free once more


def test_discard_removes_an_object_and_its_item_folder_and_accepts_a_missing_key(
    storage: Storage, leftovers: Callable[[], list[str]]
) -> None:
    before = leftovers()
    key = new_key()
    storage.put(key, io.BytesIO(b"never committed"), content_type="image/jpeg")
    storage.discard(key)
    assert not storage.exists(key)
    item_folder = key.rsplit("/", 1)[0]
    assert [entry for entry in leftovers() if entry not in before and item_folder in entry] == []
    storage.discard(key)  # again: nothing to do, no error


def test_a_missing_key_is_reported_as_not_found(storage: Storage) -> None:
    key = new_key()
    assert not storage.exists(key)
    with pytest.raises(ObjectNotFound):
        storage.open(key)
    with pytest.raises(ObjectNotFound):
        storage.size(key)


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a\\..\\b", "a//b", "a/./b", ""])
def test_keys_that_could_escape_are_refused_by_every_backend(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidKey):
        storage.put(key, io.BytesIO(b"x"), content_type="image/jpeg")
    with pytest.raises(InvalidKey):
        storage.open(key)
    with pytest.raises(InvalidKey):
        storage.exists(key)


def test_a_25_mb_stream_is_stored_with_bounded_memory(storage: Storage) -> None:
    size, seed = 25 * MiB, 25
    key = new_key("video")
    # Warm up first: the first multipart put of a process imports and builds what botocore needs, which
    # tracemalloc would count; the test measures what storing costs, whatever ran before it.
    storage.put(new_key("video"), GeneratedStream(9 * MiB, 9), content_type="video/mp4")
    tracemalloc.start()
    try:
        stored = storage.put(key, GeneratedStream(size, seed), content_type="video/mp4")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Less than one 8 MiB upload part: not even a part is held in memory. On S3 the 4 parts go out
    # side by side, and over plain HTTP botocore signs each through a 1 MiB buffer: 4 to 6.5 MiB,
    # by how far the parts overlap (seen here), so the bound is the promise itself, not a reading.
    assert peak < PART_SIZE, f"peak of {peak} bytes while storing {size}"
    expected = expected_sha256(size, seed)
    assert (stored.size, stored.sha256) == (size, expected)
    assert stored_sha256(storage, key) == expected


def receive(storage: Storage, size: int, seed: int, guard: Guard | None = None) -> ReceivedFile:
    """A file received in 64 KiB writes, as a form parser brings it."""
    received = storage.receive(guard)
    for chunk in generate(size, seed):
        received.write(chunk)
    received.seek(0)  # the parser rewinds it: writing ends
    return received


@pytest.mark.parametrize("size", [1000, 9 * MiB], ids=["one-part", "multipart"])
def test_a_received_file_is_stored_with_the_hash_counted_as_it_arrived(
    storage: Storage, leftovers: Callable[[], list[str]], size: int
) -> None:
    key, expected = new_key(), expected_sha256(size, 7)
    with receive(storage, size, 7) as received:
        assert (received.size, received.sha256) == (size, expected)
        stored = storage.put(key, received, content_type="video/mp4", max_bytes=size)
        if isinstance(storage, LocalDiskStorage):  # linked into place: the very file, no copy
            assert storage.path_for(key).stat().st_ino == received.path.stat().st_ino
    assert (stored.size, stored.sha256) == (size, expected)
    assert stored_sha256(storage, key) == expected
    assert not received.path.exists() and leftovers() == sorted(_visible(storage, key))


def test_a_received_file_over_max_bytes_is_refused_and_leaves_nothing_behind(
    storage: Storage, leftovers: Callable[[], list[str]]
) -> None:
    key = new_key()
    with receive(storage, 1001, 8) as received, pytest.raises(TooLarge):
        storage.put(key, received, content_type="image/jpeg", max_bytes=1000)
    assert not storage.exists(key) and leftovers() == []


def test_a_received_file_refused_by_its_guard_is_removed_at_once(storage: Storage) -> None:
    def at_most_a_megabyte(head: bytes, size: int) -> None:
        if size > MiB:
            raise TooLarge(MiB)

    received = storage.receive(at_most_a_megabyte)
    with pytest.raises(TooLarge):
        for chunk in generate(2 * MiB, 9):
            received.write(chunk)
    assert received.size == MiB and not received.path.parent.exists()


def test_a_received_file_is_written_once_reading_it_ends_writing(storage: Storage) -> None:
    with receive(storage, 1000, 10) as received:
        assert received.read(4) == next(generate(1000, 10))[:4]
        with pytest.raises(ValueError, match="written once"):
            received.write(b"appended after the hash was taken")
        assert received.size == 1000


def test_url_is_none_on_disk_and_a_presigned_get_with_forced_headers_on_s3(
    storage: Storage,
) -> None:
    key = new_key()
    data = b"\xff\xd8\xff pretend jpeg"
    storage.put(key, io.BytesIO(data), content_type="application/octet-stream")
    filename = 'Colis abîmé "1".jpg'
    url = storage.url(key, filename=filename, content_type="image/jpeg", disposition="attachment")
    if isinstance(storage, LocalDiskStorage):
        assert url is None
        return
    assert url is not None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        assert response.read() == data
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Content-Disposition"] == content_disposition("attachment", filename)


@pytest.mark.parametrize(("asked", "granted"), [(60, "60"), (3600, "300")])
def test_url_lifetime_is_capped_at_five_minutes(storage: Storage, asked: int, granted: str) -> None:
    key = new_key()
    storage.put(key, io.BytesIO(b"x"), content_type="image/jpeg")
    url = storage.url(
        key, filename="a.jpg", content_type="image/jpeg", disposition="inline", expires_in=asked
    )
    if url is not None:
        assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [granted]


def test_url_refuses_an_unknown_disposition_or_a_bad_content_type(storage: Storage) -> None:
    key = new_key()
    with pytest.raises(ValueError):
        storage.url(key, filename="a.jpg", content_type="image/jpeg", disposition="evil")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        storage.url(key, filename="a.jpg", content_type="text/html\r\nX: y", disposition="inline")


def test_files_on_local_disk_are_read_only_and_match_their_reported_hash(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    key = new_key()
    stored = storage.put(key, GeneratedStream(100_000), content_type="image/jpeg")
    path = storage.path_for(key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sha256_file(path) == stored.sha256


def test_what_a_put_killed_midway_staged_on_local_disk_is_removed_at_the_next_start(tmp_path: Path) -> None:
    crashed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_PUT, str(tmp_path)], cwd=ROOT, capture_output=True, timeout=60
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    staging = tmp_path / STAGING_DIR
    assert [p.name for p in staging.rglob("upload")] == ["upload"]  # half an upload, left behind
    in_use = LocalDiskStorage(tmp_path)._staging.hold("in-use")  # a put still running elsewhere

    LocalDiskStorage(tmp_path)

    assert sorted(p.name for p in staging.iterdir()) == ["in-use", "in-use.lock"]
    in_use.release()


# Stages half a stream, then dies as `kill -9` would.
KILLED_MID_PUT = """
import io, os, signal, sys
from media import LocalDiskStorage, evidence_key

class HalfThenDie(io.RawIOBase):
    sent = 0
    def readable(self): return True
    def readinto(self, buffer):
        if self.sent >= 1 << 20:
            os.kill(os.getpid(), signal.SIGKILL)
        buffer[:65536] = b"x" * 65536
        self.sent += 65536
        return 65536

key = evidence_key(1, "a" * 32, "original")
LocalDiskStorage(sys.argv[1]).put(key, HalfThenDie(), content_type="video/mp4")
"""


def test_settings_with_a_bucket_give_s3_storage_and_without_one_local_disk(
    moto_endpoint: str, aws_env: None, tmp_path: Path
) -> None:
    disk = storage_from_settings({"MEDIA_ROOT": str(tmp_path / "m")})
    assert isinstance(disk, LocalDiskStorage) and disk.root == (tmp_path / "m").resolve()
    bucket = f"from-env-{uuid.uuid4().hex[:8]}"
    S3Storage(bucket, endpoint_url=moto_endpoint, create_bucket=True).close()
    s3 = storage_from_settings(
        {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": moto_endpoint, "S3_REGION": "us-east-1"}
    )
    try:
        assert isinstance(s3, S3Storage) and s3.bucket == bucket
        key = new_key()
        s3.put(key, io.BytesIO(b"via settings"), content_type="image/jpeg")
        assert s3.size(key) == len(b"via settings")
    finally:
        s3.close()


def _visible(storage: Storage, key: str) -> list[str]:
    """What leftovers() should list once only `key` is stored."""
    if isinstance(storage, LocalDiskStorage):
        parts = key.split("/")
        return ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return [key]
