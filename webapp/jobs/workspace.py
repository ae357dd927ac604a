"""One scratch folder per running job under TMP_DIR/jobs, removed when the job ends.

A folder is held (media.scratch) by the process running its job, so the recovery of any process
on the host removes the folder of a job whose process was killed, and nothing else.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from flask import current_app

from media.scratch import Scratch

JOBS_FOLDER = "jobs"


def job_folder(name: str) -> AbstractContextManager[Path]:
    """A fresh folder for one job (name it after the row and the attempt), removed at the block's end."""
    return _scratch().folder(name)


def remove_abandoned() -> int:
    """Remove the folders of jobs whose process died; return how many."""
    return len(_scratch().remove_abandoned())


def _scratch() -> Scratch:
    return Scratch(Path(current_app.config["TMP_DIR"]) / JOBS_FOLDER)
