"""Hostile uploads made on the spot (never committed): small files that would cost a lot to process."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path


def png_header(width: int, height: int) -> bytes:
    """A PNG claiming width by height pixels over one tiny IDAT: a few dozen bytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def fake_mp4() -> bytes:
    """Text behind an MP4 signature: it passes the sniffing, not ffprobe."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"Not a video, just words.\n" * 400


def lavfi_clip(out: Path, *, size: str, rate: int, seconds: float) -> Path:
    """A tiny H.264 test-pattern clip (flat colours: an 8K one is about 250 KB)."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-nostdin",
            "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip
    return out
