"""Scratch folders: removed when their block ends, and by the next look once their owner was killed."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from media.scratch import Scratch

ROOT = Path(__file__).resolve().parents[3]


def killed_while_holding(root: Path, name: str) -> None:
    """Hold `name` with a file in it from another process, then SIGKILL that process."""
    script = (
        "import os, signal, sys\n"
        "from media.scratch import Scratch\n"
        "held = Scratch(sys.argv[1]).hold(sys.argv[2])\n"
        "(held.path / 'partial.mp4').write_bytes(b'x' * 1000)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(root), name], cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL


def test_a_folder_is_removed_with_its_lock_when_the_block_ends(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    with scratch.folder("item-7-attempt-1") as folder:
        (folder / "original").write_bytes(b"data")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["item-7-attempt-1", "item-7-attempt-1.lock"]

    assert list(tmp_path.iterdir()) == []


def test_a_folder_whose_owner_was_killed_is_removed_and_a_living_ones_is_kept(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    killed_while_holding(tmp_path, "item-1-attempt-1")
    living = scratch.hold("item-2-attempt-1")
    assert (tmp_path / "item-1-attempt-1" / "partial.mp4").is_file()

    assert scratch.remove_abandoned() == ["item-1-attempt-1"]

    assert sorted(p.name for p in tmp_path.iterdir()) == ["item-2-attempt-1", "item-2-attempt-1.lock"]
    living.release()


def test_an_abandoned_folder_can_be_looked_into_before_it_is_removed(tmp_path: Path) -> None:
    killed_while_holding(tmp_path, "upload-1")

    [held] = list(Scratch(tmp_path).abandoned())
    assert (held.path / "partial.mp4").read_bytes() == b"x" * 1000
    held.release()

    assert list(tmp_path.iterdir()) == []


def test_a_name_held_by_a_living_owner_is_never_taken(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path)
    with scratch.folder("item-3-attempt-1") as folder:
        (folder / "mine").write_bytes(b"")
        with pytest.raises(FileExistsError):
            scratch.hold("item-3-attempt-1")
        assert (folder / "mine").exists()


def test_a_name_left_by_a_killed_owner_can_be_held_again_fresh(tmp_path: Path) -> None:
    killed_while_holding(tmp_path, "item-4-attempt-1")

    with Scratch(tmp_path).folder("item-4-attempt-1") as folder:
        assert list(folder.iterdir()) == []


def test_a_folder_whose_release_was_cut_short_is_removed(tmp_path: Path) -> None:
    (tmp_path / "item-5-attempt-1").mkdir()  # its lock file is already gone

    Scratch(tmp_path).remove_abandoned()

    assert list(tmp_path.iterdir()) == []
