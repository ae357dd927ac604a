"""How fast derive_photo makes its copies of a 12 MP JPEG, as a ratio to plain Pillow without draft.

Run: .venv/bin/python -m benchmarks.photo_thumbnails
Absolute timings on shared machines are noise; ratios to a baseline measured in the same process
are not. The baseline decodes every pixel (open, load, thumbnail to 1600, then to 320) and encodes
nothing; derive_photo decodes at reduced scale but also encodes two WebP copies, so a second
baseline adds the same two encodes to show what the reduced-scale decode alone saves.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

from media.photos import WEBP_METHOD, WEBP_QUALITY, derive_photo

SIZE = (4000, 3000)
ROUNDS = 5


def medians(paths: dict[str, Callable[[], object]], rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds of each path over `rounds` rounds after one warm-up.

    The paths take turns within each round, so a burst of load elsewhere on the machine hits
    them all alike instead of skewing whichever happened to run during it.
    """
    times: dict[str, list[float]] = {name: [] for name in paths}
    for fn in paths.values():
        fn()
    for _ in range(rounds):
        for name, fn in paths.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def make_jpeg() -> bytes:
    """A 12 MP JPEG that compresses like a photo: gradients, shapes and some sensor-like noise."""
    red = Image.linear_gradient("L").resize(SIZE)
    green = Image.radial_gradient("L").resize(SIZE)
    blue = Image.linear_gradient("L").rotate(90).resize(SIZE)
    noise = Image.effect_noise(SIZE, 12).convert("RGB")
    image = Image.blend(Image.merge("RGB", (red, green, blue)), noise, 0.25)
    draw = ImageDraw.Draw(image)
    for x in range(0, SIZE[0], 160):
        y = x * 7 % SIZE[1]
        draw.ellipse((x, y, x + 300, y + 200), fill=(x * 3 % 256, 120, (255 - x) % 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def plain_pillow(data: bytes, *, encode: bool = False) -> None:
    """The baseline: full decode, then a display and a thumbnail size, no draft."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        display = image.copy()
        display.thumbnail((1600, 1600))
        thumb = display.copy()
        thumb.thumbnail((320, 320))
    if encode:
        for copy in (display, thumb):
            copy.save(io.BytesIO(), "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)


def main() -> None:
    """Print the median time of each path and derive_photo's ratio to both baselines."""
    data = make_jpeg()
    print(f"input: {SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB; median of {ROUNDS} runs each")
    result = medians(
        {
            "baseline": lambda: plain_pillow(data),
            "baseline+": lambda: plain_pillow(data, encode=True),
            "ours": lambda: derive_photo(io.BytesIO(data)),
        }
    )
    baseline, encoded, ours = result["baseline"], result["baseline+"], result["ours"]
    print(f"baseline:  plain Pillow, open + load + thumbnail 1600 + 320  {baseline * 1000:7.1f} ms")
    print(f"baseline+: the same, plus the two WebP encodes              {encoded * 1000:7.1f} ms")
    print(f"derive_photo: draft decode + two WebP encodes               {ours * 1000:7.1f} ms")
    print(f"derive_photo / baseline:  {ours / baseline:.2f}x")
    print(f"derive_photo / baseline+: {ours / encoded:.2f}x")


if __name__ == "__main__":
    main()
