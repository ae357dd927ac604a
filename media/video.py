"""Probe evidence videos, transcode them to web-friendly MP4 and take a poster frame, with ffmpeg.

Every input is opened with a container whitelist and the `file` protocol only: a text file named
`.mp4` would otherwise be read as an HLS playlist or concat script and pull in other local files.
Commands are argv lists (never a shell), run with a time limit; the process is killed when it is hit.
"""

from __future__ import annotations

import json
import math
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ffmpeg

from media.errors import MediaRejected, MediaTimeout, MediaToolMissing
from media.tools import StderrTail, ToolFailed, ffmpeg_path, ffprobe_path

__all__ = [
    "CONTAINER_WHITELIST",
    "MediaRejected",
    "MediaTimeout",
    "MediaToolMissing",
    "VideoInfo",
    "poster",
    "probe",
    "transcode",
]

CONTAINER_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm"
POSTER_MAX_SIDE = 1600

UNREADABLE = "This video could not be read: it may be incomplete or damaged."
NO_VIDEO = "This file contains no video picture: only video clips can be uploaded here."
NO_DURATION = "The length of this video could not be read: it may be incomplete or damaged."
TOO_SLOW = "Processing this video took too long, so it was stopped."

# 8K (7680x4320) is the most any phone records; larger frames only cost time and memory.
MAX_FRAME_PIXELS = 7680 * 4320
TOO_LARGE = "This video's picture is larger than 8K; we accept phone and camera videos up to 8K."
_STDERR_TAIL = 4096
_PROGRESS_PERIOD = "1"  # seconds between two progress reports of ffmpeg


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe says about a video; width and height are as displayed, after rotation."""

    duration_s: float
    width: int
    height: int
    rotation: int
    video_codec: str
    audio_codec: str | None
    format_name: str


def probe(path: Path, *, timeout: float = 30) -> VideoInfo:
    """Read a video's duration, displayed size, rotation and codecs; refuse anything else."""
    argv = [
        ffprobe_path(),
        *["-hide_banner", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"],
        *("-format_whitelist", CONTAINER_WHITELIST, "-protocol_whitelist", "file"),
        _file_url(path),
    ]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        # run() has already killed and reaped ffprobe.
        raise MediaTimeout(TOO_SLOW) from None
    if done.returncode != 0:
        stderr = done.stderr[-_STDERR_TAIL:].decode("utf-8", "replace").strip()
        raise MediaRejected(UNREADABLE) from ToolFailed("ffprobe", done.returncode, stderr)
    try:
        facts = json.loads(done.stdout)
    except ValueError as error:
        raise MediaRejected(UNREADABLE) from error
    return _video_info(facts)


def transcode(
    path: Path,
    out: Path,
    *,
    info: VideoInfo,
    max_height: int = 720,
    on_progress: Callable[[int], None] | None = None,
    timeout: float = 1800,
    threads: int = 2,
) -> None:
    """Write an upright H.264/AAC MP4 (faststart) whose short side is at most max_height."""
    width, height = _fit(info.width, info.height, limit=max_height, side=min)
    source = _open(path, threads)
    video = source["v:0"].filter("scale", width, height)
    stream = ffmpeg.output(
        video,
        source["a:0?"],
        _file_url(out),
        f="mp4",
        movflags="+faststart",
        preset="veryfast",
        crf=23,
        pix_fmt="yuv420p",
        threads=threads,
        # Drop the uploader's metadata (location, device, leftover rotate tag) from the copy we serve.
        map_metadata=-1,
        map_chapters=-1,
        **{"c:v": "libx264", "c:a": "aac", "b:a": "128k"},
    )
    _run(
        stream, path, out, timeout=timeout, threads=threads, duration=info.duration_s, on_progress=on_progress
    )


def poster(path: Path, out: Path, *, info: VideoInfo, timeout: float = 60) -> None:
    """Write one upright JPEG frame from near the start, at most 1600 px on its longest side."""
    width, height = _fit(info.width, info.height, limit=POSTER_MAX_SIDE, side=max)
    source = _open(path, 1, ss=f"{min(1.0, info.duration_s / 2):.3f}")
    stream = ffmpeg.output(
        source["v:0"].filter("scale", width, height),
        _file_url(out),
        f="image2",
        update=1,
        map_metadata=-1,
        **{"frames:v": 1, "c:v": "mjpeg", "q:v": 3},
    )
    _run(stream, path, out, timeout=timeout, threads=1, duration=info.duration_s, on_progress=None)


def _file_url(path: Path) -> str:
    # An absolute `file:` URL: a name starting with "-" or holding "proto:" is never read as either.
    return f"file:{Path(path).resolve()}"


def _open(path: Path, threads: int, **options: Any) -> Any:
    return ffmpeg.input(
        _file_url(path),
        format_whitelist=CONTAINER_WHITELIST,
        protocol_whitelist="file",
        threads=threads,
        **options,
    )


def _video_info(facts: dict[str, Any]) -> VideoInfo:
    streams = facts.get("streams") or []
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    if video is None:
        raise MediaRejected(NO_VIDEO)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    fmt = facts.get("format") or {}
    duration = _number(fmt.get("duration")) or _number(video.get("duration"))
    if duration is None:
        raise MediaRejected(NO_DURATION)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MediaRejected(UNREADABLE)
    if width * height > MAX_FRAME_PIXELS:
        raise MediaRejected(TOO_LARGE)
    rotation = _rotation(video)
    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(
        duration_s=duration,
        width=width,
        height=height,
        rotation=rotation,
        video_codec=str(video.get("codec_name") or "unknown"),
        audio_codec=str(audio.get("codec_name") or "unknown") if audio else None,
        format_name=str(fmt.get("format_name") or ""),
    )


def _number(value: object) -> float | None:
    """A positive, finite float, or None."""
    try:
        # Any ffprobe value may come here; float() refusing one is the check.
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise degrees (0, 90, 180, 270) that turn the stored picture upright."""
    degrees = 0.0
    for side_data in stream.get("side_data_list") or []:
        if side_data.get("side_data_type") == "Display Matrix" and "rotation" in side_data:
            # The matrix angle is counter-clockwise (ffmpeg 5.1 says -90 for a phone held upright).
            degrees = -float(side_data["rotation"])
            break
    else:
        try:
            degrees = float((stream.get("tags") or {}).get("rotate", 0))
        except ValueError:
            degrees = 0.0
    return round(degrees / 90) * 90 % 360


def _fit(width: int, height: int, *, limit: int, side: Callable[[int, int], int]) -> tuple[int, int]:
    """Even dimensions with `side(width, height)` at most `limit`, keeping the aspect; never larger."""
    scale = min(1.0, limit / side(width, height))
    return max(2, int(width * scale / 2 + 0.5) * 2), max(2, int(height * scale / 2 + 0.5) * 2)


def _run(
    stream: Any,
    path: Path,
    out: Path,
    *,
    timeout: float,
    threads: int,
    duration: float,
    on_progress: Callable[[int], None] | None,
) -> None:
    """Run an ffmpeg graph with a deadline, reporting progress; remove the output if it fails."""
    if Path(out).resolve() == Path(path).resolve():
        raise ValueError("the output must not overwrite the input")
    argv = stream.global_args(
        *["-hide_banner", "-nostdin", "-loglevel", "error", "-nostats", "-progress", "pipe:1"],
        *("-stats_period", _PROGRESS_PERIOD, "-filter_threads", str(threads)),
    ).compile(cmd=ffmpeg_path(), overwrite_output=True)
    expired = threading.Event()
    if on_progress is not None:
        on_progress(0)
    try:
        with subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as process:
            assert process.stdout is not None and process.stderr is not None

            def expire() -> None:
                expired.set()
                process.kill()

            timer = threading.Timer(timeout, expire)
            tail = StderrTail(process.stderr, _STDERR_TAIL)
            tail.start()
            timer.start()
            try:
                _follow(process.stdout, duration, on_progress)
                status = process.wait()
            finally:
                timer.cancel()
                if process.poll() is None:
                    process.kill()
                process.wait()
                tail.join()
        if status != 0:
            if expired.is_set():
                raise MediaTimeout(TOO_SLOW)
            raise MediaRejected(UNREADABLE) from ToolFailed("ffmpeg", status, tail.text())
        if not out.is_file() or out.stat().st_size == 0:
            raise MediaRejected(UNREADABLE) from ToolFailed("ffmpeg", status, "no output was written")
    except BaseException:
        Path(out).unlink(missing_ok=True)
        raise
    if on_progress is not None:
        on_progress(100)


def _follow(lines: IO[bytes], duration: float, on_progress: Callable[[int], None] | None) -> None:
    """Read `-progress` key=value lines until EOF, reporting each rise of the percentage below 100."""
    last = 0
    for line in lines:
        key, _, value = line.partition(b"=")
        if on_progress is None or key != b"out_time_us":
            continue
        try:
            seconds = int(value) / 1e6
        except ValueError:  # "N/A" before the first frame is out
            continue
        # 100 is said only once ffmpeg has finished and the file is complete.
        percent = max(0, min(99, int(seconds / duration * 100)))
        if percent > last:
            last = percent
            on_progress(percent)
