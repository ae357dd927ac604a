"""Find the ffmpeg and ffprobe programs (or say how to install them), and helpers to run them."""

from __future__ import annotations

import os
import shutil
import threading
from typing import IO

from media.errors import MediaToolMissing


def _find(name: str, env: str) -> str:
    override = os.environ.get(env)
    found = shutil.which(override or name)
    if found is None:
        raise MediaToolMissing(
            f"{name} is not installed: run `sudo apt-get install ffmpeg` (Debian/Ubuntu) "
            f"or `brew install ffmpeg` (macOS), or set {env}."
        )
    return found


def ffmpeg_path() -> str:
    """Path of the ffmpeg program: $FFMPEG_BINARY if set, else the one on PATH."""
    return _find("ffmpeg", "FFMPEG_BINARY")


def ffprobe_path() -> str:
    """Path of the ffprobe program: $FFPROBE_BINARY if set, else the one on PATH."""
    return _find("ffprobe", "FFPROBE_BINARY")


class ToolFailed(Exception):
    """ffmpeg or ffprobe exited with an error; chained under MediaRejected so that logs show why."""

    def __init__(self, tool: str, status: int, stderr: str) -> None:
        super().__init__(f"{tool} exited with status {status}: {stderr}")
        self.status = status
        self.stderr = stderr


class StderrTail(threading.Thread):
    """Drain a pipe, keeping only its last bytes, so that a chatty process never blocks on it."""

    def __init__(self, pipe: IO[bytes], keep: int) -> None:
        super().__init__(daemon=True)
        self._pipe = pipe
        self._keep = keep
        self._buffer = bytearray()

    def run(self) -> None:
        """Read until the pipe is closed."""
        while chunk := self._pipe.read(1024):
            self._buffer += chunk
            del self._buffer[: -self._keep]

    def text(self) -> str:
        """What was kept, as text."""
        return self._buffer.decode("utf-8", "replace").strip()
