"""Hostile uploads made on the spot (never committed): small files that would cost a lot to process."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

# PNG colour types and bit depths: (colour type, bit depth, bytes a pixel)
RGBA, PALETTE, GREY16 = (6, 8, 4), (3, 8, 1), (0, 16, 2)


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


def big_png(path: Path, width: int, height: int, kind: tuple[int, int, int]) -> Path:
    """A real, valid PNG of mostly one colour, compressed a row at a time: small on disk, huge decoded."""
    colour_type, depth, size = kind

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    row = b"\x00" + bytes([40, 160, 90, 200][:size]) * width  # filter byte "none", then the pixels
    packer = zlib.compressobj(9)
    with path.open("wb") as out:
        out.write(
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0))
        )
        if colour_type == 3:
            out.write(chunk(b"PLTE", bytes(range(256)) * 3))
        body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
        out.write(chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path
