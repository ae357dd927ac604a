"""The video job (probe, 720p transcode, poster) against bare ffmpeg doing the same, and a decode+scale floor.

Bare ffmpeg is one command with our transcode's settings (libx264 veryfast CRF 23, AAC 128k,
faststart, 2 threads) plus the poster's; the floor only decodes the clip and scales it to 720p,
encoding nothing: no transcode can cost less. The sample is a 10 s 1080p30 clip made here
(benchmarks/video_transcode.py's `ffmpeg`), wall time and CPU time medians of 3 runs.
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.video_transcode import SECONDS, ffmpeg
from media.video import poster, probe, transcode

ROUNDS = 3


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (of the child processes) of ROUNDS calls."""
    walls, cpus = [], []
    for _ in range(ROUNDS):
        cpu, start = children_cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = folder / "phone-1080p.mp4"
        ffmpeg(
            *("-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={SECONDS}"),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}"),
            *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)),
        )

        def ours() -> None:
            info = probe(clip)
            transcode(clip, folder / "ours.mp4", info=info)
            poster(clip, folder / "ours.jpg", info=info)

        def bare() -> None:
            ffmpeg(
                *("-threads", "2", "-i", str(clip), "-vf", "scale=1280:720", "-c:v", "libx264"),
                *("-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"),
                *("-movflags", "+faststart", "-threads", "2", str(folder / "bare.mp4")),
            )
            ffmpeg(
                "-ss",
                "1",
                "-i",
                str(clip),
                "-vf",
                "scale=1600:900",
                "-frames:v",
                "1",
                "-q:v",
                "3",
                str(folder / "bare.jpg"),
            )

        def floor() -> None:
            ffmpeg("-threads", "2", "-i", str(clip), "-vf", "scale=1280:720", "-an", "-f", "null", "-")

        results = {name: timed(fn) for name, fn in (("ours", ours), ("bare", bare), ("floor", floor))}
    (wall, cpu), sample = results["ours"], f"{SECONDS} s 1080p30 clip"
    rows = []
    for name, label in (("bare", "bare ffmpeg"), ("floor", "decode+scale floor")):
        base_wall, base_cpu = results[name]
        rows.append(
            {
                "line": f"video job vs {label}",
                "ours_s": wall,
                "baseline_s": base_wall,
                "ratio": wall / base_wall,
                "note": f"{sample}; CPU {cpu:.1f} s vs {base_cpu:.1f} s = {cpu / base_cpu:.2f}x",
            }
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
