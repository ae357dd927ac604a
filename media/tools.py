"""Find the ffmpeg and ffprobe programs (or say how to install them), and run them so they never outlive us.

Each tool runs in its own process group, which is killed whole on a timeout or when this process
exits; on Linux the kernel also kills it (PR_SET_PDEATHSIG) when the thread that started it dies,
so even a SIGKILLed worker leaves no ffmpeg behind.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from typing import IO

from media.errors import MediaToolMissing

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Looked up now: the child of a threaded process must not load libraries between fork and exec.
_prctl: Callable[..., int] | None = (
    ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
)
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()


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


def _die_with_parent(parent_pid: int) -> None:
    """In the child, before exec: ask Linux for SIGKILL when the parent dies (and check it is alive)."""
    assert _prctl is not None
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _preexec() -> Callable[[], None] | None:
    if _prctl is None:
        return None
    return functools.partial(_die_with_parent, os.getpid())


@contextlib.contextmanager
def running(argv: list[str], *, pass_fds: Collection[int] = ()) -> Iterator[subprocess.Popen[bytes]]:
    """Start a tool (stdout and stderr piped) in its own process group; kill the group when the block ends."""
    # preexec_fn only calls prctl, resolved at import (no lock, no import, no dlopen in the child),
    # which is what the subprocess docs' warning about threads is about.
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=tuple(pass_fds),
        process_group=0,
        preexec_fn=_preexec(),
    )
    with _running_lock:
        _running.add(process)
    try:
        with process:
            try:
                yield process
            finally:
                kill_group(process)
                process.wait()
    finally:
        with _running_lock:
            _running.discard(process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the tool's whole process group (a no-op once it has been reaped)."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def run_tool(argv: list[str], *, timeout: float, pass_fds: Collection[int] = ()) -> tuple[int, bytes, bytes]:
    """Run a tool to its end and return (status, stdout, stderr); TimeoutExpired once its group is killed."""
    with running(argv, pass_fds=pass_fds) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            process.communicate()
            raise
        return process.returncode, stdout, stderr


@atexit.register
def _kill_all() -> None:
    """At interpreter exit, take down every tool still running (daemon threads never get to)."""
    with _running_lock:
        for process in list(_running):
            kill_group(process)
