"""An upload touches the disk once: written as it arrives, hashed on the way, linked into place (E1, E3).

Counted with Linux's I/O counters of this thread (/proc/thread-self/io): the test client runs the
request here, and the processing that follows runs in the app's pool (JOBS=inline), elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import stat
import struct
from pathlib import Path

import pytest
from dispute_world import World, ago
from flask import Flask
from hostile_files import lavfi_clip
from test_evidence_locker import newest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from webapp.jobs import queue

MiB = 1024 * 1024


@pytest.fixture
def app_config():
    return {"JOBS": "inline"}


@pytest.fixture
def pool(app: Flask):
    """The app's job pool, stopped (its jobs finished) when the test ends."""
    yield
    queue.shutdown(app)


def big_video(tmp_path: Path, size: int) -> bytes:
    """A real clip followed by a `free` atom of filler: valid MP4, as large as asked, cheap to process."""
    clip = lavfi_clip(tmp_path / "clip.mp4", size="160x120", rate=5, seconds=0.4).read_bytes()
    filler = size - len(clip) - 16
    return clip + struct.pack(">I4sQ", 1, b"free", 16 + filler) + bytes(range(256)) * (filler // 256)


def this_threads_io() -> dict[str, int]:
    """Bytes this thread passed to read and write calls, files and pipes alike."""
    fields = dict(line.split(": ") for line in Path("/proc/thread-self/io").read_text().splitlines())
    return {"read": int(fields["rchar"]), "written": int(fields["wchar"])}


def test_e3_a_video_is_written_to_disk_once_hashed_on_the_way_and_never_read_back(
    app: Flask, client, auth, world: World, tmp_path: Path, pool
):
    dispute = world.open(ago(1))
    auth.login_as(world.buyer)
    video = big_video(tmp_path, 8 * MiB)
    # Encoded beforehand: the test client would spool a large body to a temporary file itself.
    boundary, body = encode_multipart({"evidence": FileStorage(io.BytesIO(video), "unboxing.mp4")})

    before = this_threads_io()
    response = client.post(
        f"/disputes/{dispute.id}/evidence",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    after = this_threads_io()

    assert response.status_code == 303
    item = newest(dispute.id)
    assert (item.size, item.sha256) == (len(video), hashlib.sha256(video).hexdigest())
    original = Path(app.config["MEDIA_ROOT"], *item.storage_key.split("/"))
    assert original.read_bytes() == video and stat.S_IMODE(original.stat().st_mode) == 0o444
    # Once: no spooled copy then a staged one (2x), no hashing pass nor copy reading it back (2x).
    written, read = after["written"] - before["written"], after["read"] - before["read"]
    assert len(video) <= written < len(video) + MiB, f"{written / MiB:.1f} MiB written"
    assert read < MiB, f"{read / MiB:.1f} MiB read back"
