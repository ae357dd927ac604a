"""How much memory derive_photo takes for small files that decode big, as a ratio to Pillow's bare decode.

Run: .venv/bin/python -m benchmarks.photo_memory
Each measurement runs in a fresh interpreter and reads the growth of its peak resident set
(tests/peak_memory.py; Linux). The baseline is what the picture alone costs once decoded
(Image.open + load), measured the same way.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from hostile_files import GREY16, PALETTE, RGBA, big_png  # noqa: E402  (the tests' sample makers)
from peak_memory import grown_mb  # noqa: E402


def samples(folder: Path) -> dict[str, Path]:
    """Files that are small on disk and large decoded, made here."""
    jpeg, heic = folder / "48mp.jpg", folder / "48mp.heic"
    Image.new("RGB", (8000, 6000), (30, 90, 160)).save(jpeg, "JPEG")
    pillow_heif.from_pillow(Image.new("RGB", (8064, 6048), (30, 90, 160))).save(heic, quality=50)
    return {
        "49 MP PNG, RGBA": big_png(folder / "rgba.png", 7000, 7000, RGBA),
        "49 MP PNG, palette": big_png(folder / "palette.png", 7000, 7000, PALETTE),
        "49 MP PNG, 16-bit grey": big_png(folder / "grey16.png", 7000, 7000, GREY16),
        "48 MP JPEG": jpeg,
        "48 MP HEIC": heic,
    }


def main() -> None:
    """Print each sample's size, its bare decode, derive_photo's peak and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in samples(Path(tmp)).items():
            decode, derive = grown_mb("decode", path), grown_mb("derive", path)
            size = path.stat().st_size / 1000
            print(
                f"{name:24s} {size:6.0f} KB: decode alone {decode:5.0f} MB, "
                f"derive_photo {derive:5.0f} MB = {derive / decode:.2f}x the decode"
            )


if __name__ == "__main__":
    main()
