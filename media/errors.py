"""Errors of the media pipeline that a person can read: why a file was refused or could not be processed."""

from __future__ import annotations


class MediaError(Exception):
    """Base class of processing errors; `str(error)` is a sentence fit to show the uploader."""


class MediaRejected(MediaError):
    """The file is not something we accept or cannot be read (wrong format, too big, broken)."""


class MediaToolMissing(MediaError):
    """ffmpeg or ffprobe is not installed; the message says how to install it."""


class MediaTimeout(MediaError):
    """A tool ran longer than its time limit and was stopped."""
