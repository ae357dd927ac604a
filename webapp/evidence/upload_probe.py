"""Refuse, from its header and before anything is stored, an upload that would cost far too much to process.

A photo's header gives its size (checked against the pixel limit); ffprobe reads a video's
container (picture size, frames a second, tracks, length). Nothing is decoded here: a 381 KB PNG
that decodes to gigabytes or a tiny 8K clip is refused in words instead of being kept and failing
later in a worker (E1).
"""

from __future__ import annotations

import logging
import os
from typing import IO

from flask import current_app

from dispute_engine import FormInvalid
from dispute_engine.words import N_, Words
from media import MediaError, MediaToolMissing, photos, video
from media.sniff import Sniffed
from webapp.core.words import from_media

log = logging.getLogger(__name__)


def refuse_costly(stream: IO[bytes], sniffed: Sniffed, name: str, max_bytes: int) -> None:
    """Raise FormInvalid, naming the file, if its header shows it is over a limit of its kind."""
    if _size(stream) > max_bytes:
        return  # refused by its size, in that check's own words, without reading it at all
    try:
        if sniffed.kind == "photo":
            photos.probe_photo(stream, name=name)
        else:
            info = video.probe_stream(stream, name=name)
            video.check_duration(info, float(current_app.config["MAX_VIDEO_SECONDS"]), name=name)
    except MediaToolMissing as missing:  # said at start-up too; the item will say it again
        log.warning("%s could not be probed: %s", name, missing)
    except MediaError as error:
        message = from_media(error.args[0] if error.args and isinstance(error.args[0], str) else str(error))
        named = message if name in message else Words(N_("%(name)s: %(refusal)s"), name=name, refusal=message)
        raise FormInvalid({"evidence": named}) from None


def _size(stream: IO[bytes]) -> int:
    start = stream.tell()
    size = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    return size
