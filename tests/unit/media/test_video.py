"""Probing, transcoding and poster frames of evidence videos, with the real ffmpeg and lavfi samples."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

import media.tools
from media.tools import ffmpeg_path, ffprobe_path
from media.video import (
    MediaRejected,
    MediaTimeout,
    MediaToolMissing,
    VideoInfo,
    poster,
    probe,
    probe_stream,
    transcode,
)

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None, reason="ffmpeg is not installed"
)

QUIET = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
TINY_H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
X265_QUIET = ["-x265-params", "log-level=error"]
MP4_BRANDS = "mov,mp4,m4a,3gp,3g2,mj2"


def picture(size: str, seconds: float = 1) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}"]


def tone(seconds: float = 1, rate: int = 44100) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}:duration={seconds}"]


def make(path: Path, *args: str) -> Path:
    subprocess.run(["ffmpeg", *QUIET, *args, str(path)], check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every sample video, made once with lavfi sources."""
    folder = tmp_path_factory.mktemp("videos")
    h264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
    landscape = make(folder / "landscape.mp4", *picture("640x360", 2), *tone(2), *h264, "-c:a", "aac")
    return {
        "landscape": landscape,
        # ffmpeg 5.1 has no -display_rotation; the rotate tag on a stream copy writes the display matrix.
        "portrait": make(
            folder / "portrait.mp4", "-i", str(landscape), "-c", "copy", "-metadata:s:v:0", "rotate=90"
        ),
        "hevc": make(
            folder / "hevc.mp4",
            *picture("320x240"),
            *tone(),
            "-c:v",
            "libx265",
            *X265_QUIET,
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
        ),
        "mov": make(
            folder / "iphone.mov",
            *picture("320x240"),
            *tone(),
            "-c:v",
            "libx265",
            *X265_QUIET,
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
        ),
        "vp9": make(
            folder / "vp9.webm", *picture("320x240"), *tone(), "-c:v", "libvpx-vp9", "-c:a", "libopus"
        ),
        "vp8": make(folder / "vp8.webm", *picture("320x240"), *tone(), "-c:v", "libvpx", "-c:a", "libvorbis"),
        "3gp": make(
            folder / "old-phone.3gp",
            *picture("176x144"),
            *tone(rate=8000),
            "-c:v",
            "h263",
            "-c:a",
            "aac",
            "-ac",
            "1",
        ),
        "silent": make(folder / "silent.mp4", *picture("320x240"), *h264),
        "full_hd": make(folder / "full-hd.mp4", *picture("1920x1080", 0.5), *h264),
    }


def transcoded(source: Path, tmp_path: Path, **options: object) -> tuple[Path, VideoInfo]:
    out = tmp_path / f"{source.stem}-web.mp4"
    transcode(source, out, info=probe(source), **options)  # type: ignore[arg-type]
    return out, probe(out)


def test_a_landscape_phone_video_is_probed_correctly(samples: dict[str, Path]) -> None:
    info = probe(samples["landscape"])
    assert info == VideoInfo(
        duration_s=pytest.approx(2.0, abs=0.1),  # type: ignore[arg-type]
        width=640,
        height=360,
        rotation=0,
        video_codec="h264",
        audio_codec="aac",
        format_name=MP4_BRANDS,
        frame_rate=25.0,
    )


def test_a_landscape_video_becomes_an_h264_aac_mp4_with_faststart(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    source = samples["landscape"]
    assert source.read_bytes().find(b"moov") > source.read_bytes().find(b"mdat"), "sample already faststart"
    out, info = transcoded(source, tmp_path)
    assert (info.video_codec, info.audio_codec, info.format_name) == ("h264", "aac", MP4_BRANDS)
    assert (info.width, info.height, info.rotation) == (640, 360, 0)
    assert info.duration_s == pytest.approx(probe(source).duration_s, abs=0.1)
    data = out.read_bytes()
    assert -1 < data.find(b"moov") < data.find(b"mdat")


def test_a_portrait_phone_video_is_probed_as_rotated_and_tall(samples: dict[str, Path]) -> None:
    info = probe(samples["portrait"])
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (360, 640)


def test_a_portrait_video_is_transcoded_upright_without_rotation_metadata(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    _, info = transcoded(samples["portrait"], tmp_path)
    assert (info.rotation, info.width, info.height) == (0, 360, 640)


@pytest.mark.parametrize("name", ["hevc", "mov", "vp9", "vp8", "3gp"])
def test_other_phone_formats_are_transcoded_to_h264_and_aac(
    name: str, samples: dict[str, Path], tmp_path: Path
) -> None:
    source = probe(samples[name])
    _, info = transcoded(samples[name], tmp_path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height) == (source.width, source.height)


def test_a_clip_without_sound_is_transcoded_without_an_audio_stream(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    assert probe(samples["silent"]).audio_codec is None
    _, info = transcoded(samples["silent"], tmp_path)
    assert (info.video_codec, info.audio_codec) == ("h264", None)


def test_a_full_hd_video_is_scaled_down_to_720p(samples: dict[str, Path], tmp_path: Path) -> None:
    _, info = transcoded(samples["full_hd"], tmp_path)
    assert (info.width, info.height) == (1280, 720)


def test_a_small_video_is_not_upscaled(samples: dict[str, Path], tmp_path: Path) -> None:
    _, info = transcoded(samples["3gp"], tmp_path, max_height=720)
    assert (info.width, info.height) == (176, 144)


def test_the_short_side_of_a_portrait_video_is_capped(samples: dict[str, Path], tmp_path: Path) -> None:
    _, info = transcoded(samples["portrait"], tmp_path, max_height=180)
    assert (info.width, info.height) == (180, 320)


def test_a_poster_is_an_upright_jpeg_at_most_1600_pixels_wide(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    sizes = {}
    for name in ("landscape", "portrait", "full_hd"):
        out = tmp_path / f"{name}.jpg"
        poster(samples[name], out, info=probe(samples[name]))
        with Image.open(out) as image:
            assert image.format == "JPEG"
            sizes[name] = image.size
    assert sizes == {"landscape": (640, 360), "portrait": (360, 640), "full_hd": (1600, 900)}


def test_a_truncated_mp4_is_rejected_with_a_readable_sentence(
    samples: dict[str, Path], tmp_path: Path
) -> None:
    data = samples["landscape"].read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        MediaRejected, match=r"^This video could not be read: it may be incomplete or damaged\.$"
    ):
        transcoded(broken, tmp_path)


PLAYLISTS = {
    "hls": "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\nsecret.mp4\n#EXT-X-ENDLIST\n",
    "concat": "ffconcat version 1.0\nfile secret.mp4\n",
}


@pytest.mark.parametrize("kind", PLAYLISTS)
def test_a_playlist_named_mp4_is_refused_without_reading_what_it_points_at(
    kind: str, samples: dict[str, Path], tmp_path: Path
) -> None:
    secret = shutil.copy(samples["landscape"], tmp_path / "secret.mp4")
    playlist = tmp_path / "upload.mp4"
    playlist.write_text(PLAYLISTS[kind])
    plain = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", str(playlist)],
        capture_output=True,
        text=True,
    )
    assert plain.stdout.strip() == kind, "without the whitelist ffmpeg would follow the playlist"
    with pytest.raises(MediaRejected):
        probe(playlist)
    # As if a caller had skipped probe(): ffmpeg itself must refuse the playlist too.
    info = probe(secret)
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaRejected):
        transcode(playlist, out, info=info)
    assert not out.exists()
    with pytest.raises(MediaRejected):
        poster(playlist, tmp_path / "poster.jpg", info=info)
    assert not (tmp_path / "poster.jpg").exists()


def test_a_sound_recording_is_rejected_for_having_no_picture(tmp_path: Path) -> None:
    audio = make(tmp_path / "voice.m4a", *tone(), "-c:a", "aac")
    with pytest.raises(MediaRejected, match="no video picture"):
        probe(audio)


def test_a_video_of_unknown_length_is_rejected(tmp_path: Path) -> None:
    # WebM written to a pipe cannot seek back to record its duration.
    streamed = tmp_path / "streamed.webm"
    with streamed.open("wb") as sink:
        subprocess.run(
            ["ffmpeg", *QUIET, *picture("160x120"), "-c:v", "libvpx-vp9", "-f", "webm", "pipe:1"],
            stdout=sink,
            check=True,
        )
    with pytest.raises(MediaRejected, match="length of this video could not be read"):
        probe(streamed)


@pytest.mark.parametrize(
    "content",
    [b"<!doctype html><html><body>Not a video</body></html>\n", b""],
    ids=["html", "empty"],
)
def test_a_file_that_is_not_a_video_is_rejected(content: bytes, tmp_path: Path) -> None:
    fake = tmp_path / "clip.mp4"
    fake.write_bytes(content)
    with pytest.raises(MediaRejected, match="could not be read"):
        probe(fake)


def test_progress_rises_from_0_to_100(samples: dict[str, Path], tmp_path: Path) -> None:
    seen: list[int] = []
    transcode(
        samples["landscape"], tmp_path / "out.mp4", info=probe(samples["landscape"]), on_progress=seen.append
    )
    assert seen[0] == 0 and seen[-1] == 100 and len(seen) >= 3
    assert seen == sorted(set(seen))


def test_a_transcode_over_its_time_limit_is_killed(
    samples: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))  # type: ignore[call-overload]
        return started[-1]

    info = probe(samples["full_hd"])
    monkeypatch.setattr(media.tools.subprocess, "Popen", spy)
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaTimeout, match="took too long"):
        transcode(samples["full_hd"], out, info=info, timeout=0.01)
    assert len(started) == 1 and started[0].returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(started[0].pid, 0)
    assert not out.exists()


def test_a_probe_over_its_time_limit_raises_a_timeout(samples: dict[str, Path]) -> None:
    with pytest.raises(MediaTimeout):
        probe(samples["landscape"], timeout=0.001)


@pytest.mark.parametrize(
    ("find", "env"),
    [(ffmpeg_path, "FFMPEG_BINARY"), (ffprobe_path, "FFPROBE_BINARY")],
    ids=["ffmpeg", "ffprobe"],
)
def test_a_missing_tool_says_how_to_install_it(
    find: Callable[[], str], env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(env, raising=False)
    with pytest.raises(MediaToolMissing, match=r"sudo apt-get install ffmpeg.*brew install ffmpeg.*" + env):
        find()


def test_probe_and_transcode_raise_tool_missing_without_ffmpeg(
    samples: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = probe(samples["landscape"])
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("FFMPEG_BINARY", raising=False)
    monkeypatch.delenv("FFPROBE_BINARY", raising=False)
    with pytest.raises(MediaToolMissing, match="is not installed"):
        probe(samples["landscape"])
    with pytest.raises(MediaToolMissing, match="is not installed"):
        transcode(samples["landscape"], tmp_path / "out.mp4", info=info)


def test_an_environment_variable_names_the_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which("ffmpeg")
    assert real is not None
    monkeypatch.setenv("FFMPEG_BINARY", real)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ffmpeg_path() == real
    monkeypatch.setenv("FFMPEG_BINARY", str(tmp_path / "nowhere" / "ffmpeg"))
    with pytest.raises(MediaToolMissing, match="FFMPEG_BINARY"):
        ffmpeg_path()


def test_an_8k_clip_is_refused_from_its_container_quickly_and_in_words(tmp_path: Path) -> None:
    # testsrc (not testsrc2): flat colours, so the clip is as small as the one in the report.
    clip = make(
        tmp_path / "tiny-8k.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=7680x4320:rate=5:duration=0.2",
        *TINY_H264,
    )
    assert clip.stat().st_size < 400_000

    started = time.perf_counter()
    with pytest.raises(MediaRejected) as refused:
        probe(clip, name="tiny-8k.mp4")

    assert time.perf_counter() - started < 2
    assert str(refused.value) == (
        "tiny-8k.mp4 is 7680 × 4320 pixels; videos up to 4K (3840 × 2160) are accepted."  # noqa: RUF001
    )


@pytest.mark.parametrize(
    ("size", "rate", "refusal"),
    [
        ("160x120", 300, "fast.mp4 has 300 frames a second; videos up to 240 are accepted."),
        (
            "2560x1440",
            200,
            "fast.mp4 is 2560 × 1440 pixels at 200 frames a second, too much to convert; "  # noqa: RUF001
            "we accept up to 4K at 60 or 1080p at 240 frames a second.",
        ),
    ],
    ids=["frame-rate", "pixels-a-second"],
)
def test_a_clip_with_more_frames_a_second_than_phones_record_is_refused(
    tmp_path: Path, size: str, rate: int, refusal: str
) -> None:
    clip = make(
        tmp_path / "fast.mp4",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={size}:rate={rate}:duration=0.05",
        *TINY_H264,
    )

    with pytest.raises(MediaRejected) as refused:
        probe(clip, name="fast.mp4")

    assert str(refused.value) == refusal


def test_slow_motion_1080p_at_240_frames_a_second_is_accepted(tmp_path: Path) -> None:
    clip = make(
        tmp_path / "slomo.mp4",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=1920x1080:rate=240:duration=0.02",
        *TINY_H264,
    )

    assert probe(clip).frame_rate == 240


def test_a_clip_with_too_many_tracks_is_refused(samples: dict[str, Path], tmp_path: Path) -> None:
    many = make(tmp_path / "tracks.mkv", "-i", str(samples["silent"]), *["-map", "0:v"] * 17, "-c", "copy")

    with pytest.raises(MediaRejected, match="has 17 tracks; videos with up to 16 are accepted"):
        probe(many)


def test_a_stream_in_memory_and_an_open_file_probe_alike_and_are_rewound(samples: dict[str, Path]) -> None:
    data = samples["landscape"].read_bytes()
    in_memory = io.BytesIO(data)
    in_memory.seek(0)

    from_memory = probe_stream(in_memory)

    with tempfile.SpooledTemporaryFile(max_size=1024) as spooled:  # what Werkzeug gives a request's file
        spooled.write(data)
        spooled.seek(0)
        from_file = probe_stream(spooled)
        assert spooled.tell() == 0
    assert from_memory == from_file == probe(samples["landscape"])
    assert in_memory.tell() == 0


def test_a_text_file_that_starts_like_an_mp4_is_refused_from_a_stream() -> None:
    fake = io.BytesIO(b"\x00\x00\x00\x18ftypmp42" + b"this is not a video at all\n" * 200)

    with pytest.raises(MediaRejected, match="could not be read"):
        probe_stream(fake)

    assert fake.tell() == 0
