"""What a photo may cost: refused from its header past the limit; never converted at full size.

Hostile files are made here, never committed: PNGs whose header claims a huge picture over a tiny
body, and real compressible PNGs of 49 megapixels written row by row (so the test itself never
holds them decoded). Peak memory is measured in a fresh interpreter with getrusage: Pillow's image
memory is not Python's, so tracemalloc would not see it.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from test_photos import encode, png_header

from media.errors import MediaRejected
from media.photos import NOT_A_PHOTO, PhotoHeader, probe_photo

ROOT = Path(__file__).resolve().parents[3]
MB = 1024 * 1024
# PNG colour types and bit depths: (colour type, bit depth, bytes a pixel)
RGBA, PALETTE, GREY16 = (6, 8, 4), (3, 8, 1), (0, 16, 2)


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


def peak_memory_of_derive_photo(path: Path) -> float:
    """Megabytes the resident set grows by while derive_photo handles the file, in a fresh interpreter."""
    script = (
        "import json, resource, sys\n"
        "from media.photos import derive_photo\n"
        "def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "before = peak()\n"
        "with open(sys.argv[1], 'rb') as src: photo = derive_photo(src)\n"
        "print(json.dumps([peak() - before, photo.display.width, photo.display.height]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, check=True, timeout=120
    )
    grown, width, height = json.loads(done.stdout)
    assert max(width, height) == 1600
    return grown / MB


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux only")
@pytest.mark.parametrize(
    ("kind", "most_mb"),
    [
        # 7000 x 7000 decodes to 196 MB in Pillow. Before strips: RGBA 428 MB (a premultiplied
        # full-size copy), palette 288 MB and 16-bit grey 468 MB (full-size RGB conversions).
        pytest.param(RGBA, 290, id="rgba"),
        pytest.param(PALETTE, 140, id="palette"),
        pytest.param(GREY16, 200, id="grey-16-bit"),
    ],
)
def test_a_49_megapixel_png_is_shrunk_without_a_full_size_converted_copy(
    tmp_path: Path, kind: tuple[int, int, int], most_mb: int
) -> None:
    path = big_png(tmp_path / "big.png", 7000, 7000, kind)
    assert path.stat().st_size < 1 * MB

    assert peak_memory_of_derive_photo(path) < most_mb


def test_the_header_of_a_30000_by_30000_png_is_refused_in_words_without_decoding() -> None:
    src = io.BytesIO(png_header(30000, 30000))

    started = time.perf_counter()
    with pytest.raises(MediaRejected) as refused:
        probe_photo(src, name="bomb.png")

    assert time.perf_counter() - started < 0.5
    assert str(refused.value) == (
        "bomb.png is 30000 × 30000 pixels; photos up to 50 megapixels are accepted."  # noqa: RUF001
    )
    assert src.tell() == 0


def test_a_webp_over_its_own_lower_limit_is_refused_from_its_header() -> None:
    src = encode(Image.new("RGB", (6000, 5000), (1, 2, 3)), "WEBP", lossless=True)

    with pytest.raises(MediaRejected) as refused:
        probe_photo(src, name="flat.webp")

    assert str(refused.value) == (
        "flat.webp is 6000 × 5000 pixels; WebP photos up to 25 megapixels are accepted."  # noqa: RUF001
    )


def test_a_photo_under_the_limit_is_read_from_its_header_and_rewound() -> None:
    src = encode(Image.new("RGB", (640, 480), (1, 2, 3)), "JPEG")
    src.read(5)

    assert probe_photo(src) == PhotoHeader(640, 480, "JPEG")
    assert src.tell() == 5


def test_a_file_that_only_starts_like_a_png_is_not_a_photo() -> None:
    with pytest.raises(MediaRejected) as refused:
        probe_photo(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"not a png at all" * 10))

    assert str(refused.value) == NOT_A_PHOTO
