"""Photos: derive_photo against bare Pillow and libvips on a 12 MP JPEG, PNG and HEIC, with peak memory.

Every path makes the same two WebP copies (1600 px and 320 px, same quality and effort). Bare Pillow
decodes every pixel and encodes both (benchmarks/photo_thumbnails.py's `plain_pillow(encode=True)`);
libvips uses its shrink-on-load thumbnail. Times are medians of interleaved rounds
(`benchmarks.photo_thumbnails.medians`); peak memory is the growth of each path's peak resident
set in a fresh interpreter.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pillow_heif
import pyvips
from PIL import Image

from benchmarks.photo_thumbnails import make_jpeg, medians, plain_pillow
from media.photos import WEBP_METHOD, WEBP_QUALITY, derive_photo

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3
MEASURE = """
import io, sys
import pillow_heif
pillow_heif.register_heif_opener()
from bench.photo import PATHS

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

data = open(sys.argv[2], "rb").read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak starts again from what the imports and the file left
before = status("VmRSS")
PATHS[sys.argv[1]](data)
print(status("VmHWM") - before)
"""


def with_libvips(data: bytes) -> None:
    """libvips: shrink-on-load to 1600, then 320 from that copy; both saved as WebP."""
    display = pyvips.Image.thumbnail_buffer(data, 1600, height=1600).copy_memory()
    display.webpsave_buffer(Q=WEBP_QUALITY, effort=min(WEBP_METHOD, 6))
    display.thumbnail_image(320, height=320).webpsave_buffer(Q=WEBP_QUALITY, effort=min(WEBP_METHOD, 6))


PATHS = {
    "ours": lambda data: derive_photo(io.BytesIO(data)),
    "pillow": lambda data: plain_pillow(data, encode=True),
    "libvips": with_libvips,
}


def samples(folder: Path) -> dict[str, Path]:
    """The same 12 MP picture as JPEG (quality 90), PNG and HEIC (quality 80)."""
    jpeg = make_jpeg()
    picture = Image.open(io.BytesIO(jpeg))
    picture.load()
    paths = {"JPEG": folder / "photo.jpg", "PNG": folder / "photo.png", "HEIC": folder / "photo.heic"}
    paths["JPEG"].write_bytes(jpeg)
    picture.save(paths["PNG"], "PNG", compress_level=6)
    pillow_heif.from_pillow(picture).save(paths["HEIC"], quality=80)
    return paths


def peak_mb(path_name: str, file: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, path_name, str(file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.strip())


def run() -> list[dict[str, Any]]:
    pillow_heif.register_heif_opener()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, file in samples(Path(tmp)).items():
            data = file.read_bytes()
            calls = {name: (lambda fn=fn, data=data: fn(data)) for name, fn in PATHS.items()}
            times = medians(calls, rounds=ROUNDS)
            memory = {name: peak_mb(name, file) for name in PATHS}
            size = f"4000x3000 {kind}, {len(data) / 1e6:.1f} MB"
            for baseline in ("pillow", "libvips"):
                rows.append(
                    {
                        "line": f"photo {kind} vs {'bare Pillow' if baseline == 'pillow' else 'libvips'}",
                        "ours_s": times["ours"],
                        "baseline_s": times[baseline],
                        "ratio": times["ours"] / times[baseline],
                        "note": f"{size}; peak +{memory['ours']:.0f} MB vs +{memory[baseline]:.0f} MB",
                    }
                )
    return rows


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
