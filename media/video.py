"""Probe evidence videos, transcode them to web-friendly MP4 and take a poster frame, with ffmpeg.

Every input is opened with a container whitelist and the `file` protocol only: a text file named
`.mp4` would otherwise be read as an HLS playlist or concat script and pull in other local files.
Commands are argv lists (never a shell), run with a time limit in their own process group, which is
killed when the limit is hit or this process dies (media.tools). The probe also refuses clips that
would cost far more to convert than any phone video: too large a picture, too many frames a
second, too many streams, too long.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ffmpeg

from media.errors import MediaRejected, MediaTimeout, MediaToolMissing
from media.tools import StderrTail, ToolFailed, ffmpeg_path, ffprobe_path, kill_group, run_tool, running
from media.words import N_, Duration, Sentence

__all__ = [
    "CONTAINER_WHITELIST",
    "MediaRejected",
    "MediaTimeout",
    "MediaToolMissing",
    "VideoInfo",
    "check_duration",
    "duration_in_words",
    "poster",
    "probe",
    "probe_stream",
    "transcode",
]

CONTAINER_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm"
POSTER_MAX_SIDE = 1600

UNREADABLE = Sentence(N_("This video could not be read: it may be incomplete or damaged."))
NO_VIDEO = Sentence(N_("This file contains no video picture: only video clips can be uploaded here."))
NO_DURATION = Sentence(N_("The length of this video could not be read: it may be incomplete or damaged."))
TOO_SLOW = Sentence(N_("Processing this video took too long, so it was stopped."))
THIS_VIDEO = Sentence(N_("This video"))
THE_VIDEO = Sentence(N_("The video"))

# What converting one clip may cost. Phones record up to 4K by default; an 8K frame takes four times
# as long to decode for a 720p copy that shows no more. 4K at 60 frames a second and slow motion
# (1080p at 240) decode about as many pixels a second; more than that is not a phone video.
MAX_FRAME_PIXELS = 4096 * 2160
MAX_FRAME_RATE = 240
MAX_PIXEL_RATE = 3840 * 2160 * 60
MAX_STREAMS = 16
UPLOAD_PROBE_SECONDS = 10.0  # ffprobe reads only the container's header: this is generous
_STDERR_TAIL = 4096
_PROGRESS_PERIOD = "1"  # seconds between two progress reports of ffmpeg
_COPY_CHUNK = 1024 * 1024


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
    frame_rate: float = 0.0  # frames a second, 0 when the container does not say


def probe(path: Path, *, name: str = THIS_VIDEO, timeout: float = 30) -> VideoInfo:
    """Read a video's duration, displayed size, rotation and codecs; refuse anything else."""
    return _probe(_file_url(path), name=name, timeout=timeout)


def probe_stream(
    stream: IO[bytes], *, name: str = THIS_VIDEO, timeout: float = UPLOAD_PROBE_SECONDS
) -> VideoInfo:
    """Probe an upload from its container's header alone, through a file descriptor; rewind it after.

    Nothing is decoded (-nofind_stream_info): an 8K clip is refused in a tenth of the time and
    memory. The worker's `probe` decodes the first frames and checks the same limits on what the
    stream really holds, before any transcode. A stream kept in memory is copied to an unnamed
    temporary file first: no named file is written, so a process killed meanwhile leaves nothing.
    """
    start = stream.tell()
    try:
        fd = _descriptor(stream) if start == 0 else None
        if fd is not None:
            return _probe(f"file:/dev/fd/{fd}", name=name, timeout=timeout, pass_fds=(fd,), decode=False)
        with tempfile.TemporaryFile() as copy:
            shutil.copyfileobj(stream, copy, _COPY_CHUNK)
            copy.flush()
            fd = copy.fileno()
            return _probe(f"file:/dev/fd/{fd}", name=name, timeout=timeout, pass_fds=(fd,), decode=False)
    finally:
        stream.seek(start)


def _descriptor(stream: IO[bytes]) -> int | None:
    """The stream's file descriptor with everything written flushed to it, or None if it has none."""
    try:
        descriptor = stream.fileno()  # a SpooledTemporaryFile moves to disk here
        stream.flush()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both of the latter
        return None
    return descriptor


def _probe(
    url: str, *, name: str, timeout: float, pass_fds: Collection[int] = (), decode: bool = True
) -> VideoInfo:
    argv = [
        ffprobe_path(),
        *["-hide_banner", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"],
        *("-format_whitelist", CONTAINER_WHITELIST, "-protocol_whitelist", "file"),
        *([] if decode else ["-nofind_stream_info"]),
        url,
    ]
    try:
        status, stdout, stderr = run_tool(argv, timeout=timeout, pass_fds=pass_fds)
    except subprocess.TimeoutExpired:
        # run_tool has already killed and reaped ffprobe.
        raise MediaTimeout(TOO_SLOW) from None
    if status != 0:
        tail = stderr[-_STDERR_TAIL:].decode("utf-8", "replace").strip()
        raise MediaRejected(UNREADABLE) from ToolFailed("ffprobe", status, tail)
    try:
        facts = json.loads(stdout)
    except ValueError as error:
        raise MediaRejected(UNREADABLE) from error
    return _video_info(facts, name)


def duration_in_words(seconds: float) -> str:
    """A duration rounded up to the second: "12 minutes", "10 minutes 5 seconds"."""
    return str(Duration(seconds))


def check_duration(info: VideoInfo, max_seconds: float, *, name: str = THE_VIDEO) -> None:
    """Refuse a video longer than max_seconds, saying both lengths."""
    if info.duration_s > max_seconds:
        raise MediaRejected(
            Sentence(
                N_("%(name)s is %(length)s long; videos up to %(limit)s are accepted."),
                name=name,
                length=Duration(info.duration_s),
                limit=Duration(max_seconds),
            )
        )


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


def _video_info(facts: dict[str, Any], name: str) -> VideoInfo:
    streams = facts.get("streams") or []
    if len(streams) > MAX_STREAMS:
        count = len(streams)
        raise MediaRejected(
            Sentence(
                N_("%(name)s has %(count)s tracks; videos with up to %(limit)s are accepted."),
                name=name,
                count=count,
                limit=MAX_STREAMS,
            )
        )
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
    frame_rate = _frame_rate(video, duration)
    _check_cost(name, width, height, frame_rate)
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
        frame_rate=frame_rate,
    )


def _frame_rate(video: dict[str, Any], duration: float) -> float:
    """Frames a second: the stream's average, or its frame count over the length if that is more."""
    declared = _ratio(video.get("avg_frame_rate")) or _ratio(video.get("r_frame_rate")) or 0.0
    counted = (_number(video.get("nb_frames")) or 0.0) / duration
    return max(declared, counted)


def _ratio(value: object) -> float | None:
    """ffprobe's "30000/1001" as a positive number, None for "0/0" or anything unreadable."""
    numerator, _, denominator = str(value or "").partition("/")
    top, bottom = _number(numerator), _number(denominator or "1")
    return top / bottom if top is not None and bottom is not None else None


def _check_cost(name: str, width: int, height: int, frame_rate: float) -> None:
    """Refuse a picture or a frame rate that would take far longer to convert than a phone video."""
    if width * height > MAX_FRAME_PIXELS:
        raise MediaRejected(
            Sentence(
                N_("%(name)s is %(width)s × %(height)s pixels; videos up to 4K (3840 × 2160) are accepted."),  # noqa: RUF001
                name=name,
                width=width,
                height=height,
            )
        )
    rate = f"{frame_rate:.0f}"
    if frame_rate > MAX_FRAME_RATE:
        raise MediaRejected(
            Sentence(
                N_("%(name)s has %(rate)s frames a second; videos up to %(limit)s are accepted."),
                name=name,
                rate=rate,
                limit=MAX_FRAME_RATE,
            )
        )
    if width * height * frame_rate > MAX_PIXEL_RATE:
        raise MediaRejected(
            Sentence(
                N_(
                    "%(name)s is %(width)s × %(height)s pixels at %(rate)s frames a second, too much to "  # noqa: RUF001
                    "convert; we accept up to 4K at 60 or 1080p at 240 frames a second."
                ),
                name=name,
                width=width,
                height=height,
                rate=rate,
            )
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
        with running(argv) as process:
            assert process.stdout is not None and process.stderr is not None

            def expire() -> None:
                expired.set()
                kill_group(process)

            timer = threading.Timer(timeout, expire)
            tail = StderrTail(process.stderr, _STDERR_TAIL)
            tail.start()
            timer.start()
            try:
                _follow(process.stdout, duration, on_progress)
                status = process.wait()
            finally:
                timer.cancel()
                kill_group(process)
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
