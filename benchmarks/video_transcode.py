"""How long our 720p transcode and poster take, as ratios to the clip's length and to a plain remux.

Run: .venv/bin/python -m benchmarks.video_transcode
Absolute timings on shared machines are noise; ratios to a baseline measured in the same process
are not. The sample is synthetic (lavfi testsrc2 + sine), so it compresses unlike real phone footage.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from media.tools import ffmpeg_path
from media.video import poster, probe, transcode

SECONDS = 10
ROUNDS = 3


def median_time(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Median seconds of `rounds` calls (no warm-up: each call starts a fresh process)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly, overwriting the output."""
    subprocess.run([ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True)


def main() -> None:
    """Print transcode and poster times against the clip's length and a `-c copy` remux."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = folder / "phone-1080p.mp4"
        ffmpeg(
            *("-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={SECONDS}"),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}"),
            *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)),
        )
        info = probe(clip)
        out, still = folder / "web.mp4", folder / "poster.jpg"
        remux = median_time(lambda: ffmpeg("-i", str(clip), "-c", "copy", str(folder / "remux.mp4")))
        probing = median_time(lambda: probe(clip))
        encoding = median_time(lambda: transcode(clip, out, info=info))
        posting = median_time(lambda: poster(clip, still, info=info))
        result = probe(out)
        size = clip.stat().st_size / 1e6
        print(f"sample: {SECONDS} s 1920x1080 30 fps H.264 + AAC, {size:.1f} MB; median of {ROUNDS} runs")
        print(f"baseline: ffmpeg -c copy remux, {remux * 1000:.0f} ms")
        print(
            f"transcode to {result.width}x{result.height} (veryfast, 2 threads): "
            f"{encoding / info.duration_s:.2f}x the clip's duration, {encoding / remux:.0f}x a remux, "
            f"{out.stat().st_size / 1e6:.1f} MB"
        )
        print(f"poster ({still.stat().st_size / 1e3:.0f} kB JPEG): {posting / remux:.1f}x a remux")
        print(f"probe: {probing / remux:.1f}x a remux")


if __name__ == "__main__":
    main()
