"""Folders for temporary files that no crash leaves behind: each is held by its living owner.

A folder `NAME/` under a root comes with a lock file `NAME.lock` that its owner keeps locked
(flock) for as long as it uses the folder. The kernel drops the lock when the owner dies, however
it dies, so whoever looks next (`abandoned()`, at start-up or periodically) can tell a folder in
use from one left by a killed process, and remove the latter. The root must be on a local disk.

The lock file is locked under a temporary name and only then given its real one, so a cleaner
never finds an unlocked lock file of a folder that is still being set up.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

LOCK = ".lock"
_NEW = ".new"
STRAY_AFTER_SECONDS = 3600.0  # other files (a lock file that never got its name) go after this


class Held:
    """A scratch folder and the lock that says its owner is alive; `release()` removes both."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path = path
        self._lock_fd = lock_fd

    @property
    def name(self) -> str:
        """The folder's name."""
        return self.path.name

    def let_go(self) -> None:
        """Drop the lock but keep the folder: the next look finds it abandoned and tries again."""
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1

    def release(self) -> None:
        """Remove the folder, then its lock file, then let go of the lock."""
        if self._lock_fd < 0:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_lock_path(self.path))
        os.close(self._lock_fd)
        self._lock_fd = -1


class Scratch:
    """Scratch folders under one root: held while in use, removed when their owner is gone."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def hold(self, name: str) -> Held:
        """Create the folder `name` (a fresh one) and hold it until `release()` or this process ends."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = self.root / name
        fresh = self.root / f".{name}.{uuid.uuid4().hex}{_NEW}"
        fd = os.open(fresh, os.O_CREAT | os.O_EXCL | os.O_RDWR | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            for _ in range(2):
                try:
                    os.link(fresh, _lock_path(folder))  # fails if the name is taken: never steals a lock
                    break
                except FileExistsError:
                    self._remove_if_abandoned(folder)
            else:
                raise FileExistsError(f"the scratch folder {name!r} is held by a running process")
            shutil.rmtree(folder, ignore_errors=True)  # what a crash in the middle of a release left
            folder.mkdir()
        except BaseException:
            os.close(fd)
            raise
        finally:
            os.unlink(fresh)
        return Held(folder, fd)

    @contextlib.contextmanager
    def folder(self, name: str) -> Iterator[Path]:
        """A fresh folder `name` for the length of the block, removed at its end."""
        held = self.hold(name)
        try:
            yield held.path
        finally:
            held.release()

    def abandoned(self) -> Iterator[Held]:
        """Each folder whose owner died, now held by the caller (who looks inside, then releases it)."""
        if not self.root.is_dir():
            return
        for entry in sorted(self.root.iterdir()):
            if entry.name.endswith(LOCK):
                held = self._take(self.root / entry.name.removesuffix(LOCK))
                if held is not None:
                    yield held
            elif entry.is_dir() and not entry.name.startswith("."):
                if not _lock_path(entry).exists():  # its release was cut short
                    shutil.rmtree(entry, ignore_errors=True)
            elif _older_than(entry, STRAY_AFTER_SECONDS):
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    entry.unlink()

    def remove_abandoned(self) -> list[str]:
        """Remove every folder whose owner died; return their names."""
        names = []
        for held in self.abandoned():
            names.append(held.name)
            held.release()
        return names

    def _remove_if_abandoned(self, folder: Path) -> None:
        held = self._take(folder)
        if held is not None:
            held.release()

    def _take(self, folder: Path) -> Held | None:
        """Lock a folder's lock file if nobody holds it; None while its owner lives (or it is gone)."""
        path = _lock_path(folder)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino != os.stat(path).st_ino:  # released and taken anew meanwhile
                raise BlockingIOError
        except (BlockingIOError, FileNotFoundError):
            os.close(fd)
            return None
        return Held(folder, fd)


def _lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + LOCK)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False
