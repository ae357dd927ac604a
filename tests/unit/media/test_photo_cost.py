"""What a photo may cost: refused from its header past the limit; never converted at full size.

Hostile files are made here, never committed: PNGs whose header claims a huge picture over a tiny
body, and real compressible PNGs of 49 megapixels written row by row (so the test itself never
holds them decoded). Peak memory is measured in a fresh interpreter with getrusage: Pillow's image
memory is not Python's, so tracemalloc would not see it.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest
from hostile_files import GREY16, PALETTE, RGBA, big_png
from peak_memory import grown_mb
from PIL import Image
from test_photos import encode, png_header

from media.errors import MediaRejected
from media.photos import NOT_A_PHOTO, PhotoHeader, probe_photo

MB = 1024 * 1024


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
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

    assert grown_mb("derive", path) < most_mb


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
