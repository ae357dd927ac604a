"""Say at start-up, with the install command, when videos cannot be processed on this machine."""

from __future__ import annotations

import logging

from flask import Flask

from media import MediaToolMissing
from media.tools import ffmpeg_path, ffprobe_path

log = logging.getLogger(__name__)


def warn_if_tools_missing(app: Flask) -> list[str]:
    """Log each missing video tool with how to install it; keep the list for the pages."""
    problems = []
    for find in (ffmpeg_path, ffprobe_path):
        try:
            find()
        except MediaToolMissing as missing:
            problems.append(str(missing))
    for problem in problems:
        log.warning("Videos cannot be processed: %s", problem)
    app.extensions["media_tools_missing"] = problems
    return problems
