"""Files as a request brings them, before any feature decides what they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from flask import request


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its stream and the name the person's device gave it."""

    stream: IO[bytes]
    filename: str


def uploads_from_request(field: str = "evidence") -> list[Upload]:
    """The files in the request's `field`, skipping empty file inputs."""
    return [Upload(f.stream, f.filename or "") for f in request.files.getlist(field) if f and f.filename]
