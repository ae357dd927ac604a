"""ffmpeg and ffprobe never outlive what started them: a time limit, an exit or a SIGKILL takes them down.

`running` starts any program the same way, so these tests use `sleep` and `sh` instead of a long
transcode; the helpers in the child interpreters print the pids they started.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media.tools import run_tool, running

ROOT = Path(__file__).resolve().parents[3]
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; PR_SET_PDEATHSIG is Linux's")


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie nobody reaped yet does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_until_gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def child(script: str) -> subprocess.Popen[str]:
    """A Python interpreter running `script` with the project importable; its stdout is a pipe."""
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


@linux_only
def test_a_tool_over_its_time_limit_is_killed_with_everything_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    script = f"sleep 60 & echo $! > {pid_file}; wait"

    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_tool(["sh", "-c", script], timeout=0.5)

    # Killing only `sh` would leave `sleep` holding the pipes, and run_tool waiting for it.
    assert time.monotonic() - started < 5
    assert wait_until_gone(int(pid_file.read_text()))


@linux_only
def test_a_tool_is_killed_when_the_block_that_started_it_ends_early() -> None:
    with running(["sh", "-c", "sleep 60 & echo $!; wait"]) as process:
        assert process.stdout is not None
        grandchild = int(process.stdout.readline())
        assert alive(grandchild)

    assert process.returncode == -signal.SIGKILL
    assert wait_until_gone(grandchild)


@linux_only
def test_a_tool_dies_with_the_process_that_started_it_even_under_sigkill() -> None:
    with child(
        "import sys\n"
        "from media.tools import running\n"
        "with running(['sleep', '60']) as tool:\n"
        "    print(tool.pid, flush=True)\n"
        "    sys.stdin.read()\n"
    ) as parent:
        assert parent.stdout is not None
        tool = int(parent.stdout.readline())
        assert alive(tool)

        parent.kill()
        parent.wait(timeout=10)

    assert wait_until_gone(tool)


@linux_only
def test_a_tool_still_running_in_a_daemon_thread_is_killed_when_the_interpreter_exits() -> None:
    with child(
        "import sys, threading\n"
        "import media.tools\n"
        "media.tools._prctl = None  # only the exit handler is on trial here\n"
        "def work():\n"
        "    with media.tools.running(['sleep', '60']) as tool:\n"
        "        print(tool.pid, flush=True)\n"
        "        tool.wait()\n"
        "threading.Thread(target=work, daemon=True).start()\n"
        "sys.stdin.readline()\n"
    ) as parent:
        assert parent.stdout is not None and parent.stdin is not None
        tool = int(parent.stdout.readline())

        parent.stdin.write("exit\n")
        parent.stdin.flush()
        assert parent.wait(timeout=10) == 0

    assert wait_until_gone(tool)


def test_a_tool_that_ends_by_itself_reports_its_status_and_output() -> None:
    status, stdout, stderr = run_tool(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)

    assert (status, stdout, stderr) == (3, b"out\n", b"err\n")


def test_the_descriptors_passed_are_readable_by_the_tool(tmp_path: Path) -> None:
    with open(tmp_path / "data", "w+b") as data:
        data.write(b"through a descriptor")
        data.flush()
        fd = data.fileno()
        status, stdout, _ = run_tool(["cat", f"/dev/fd/{fd}"], timeout=10, pass_fds=(fd,))

    assert (status, stdout) == (0, b"through a descriptor")
