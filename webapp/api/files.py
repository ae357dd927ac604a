"""Files that arrive inside JSON as base64: decoded into uploads, with refusals per field."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from dispute_engine import FormInvalid
from webapp.core.uploads import Upload


def decode_files(files: list[dict[str, Any]], field: str) -> list[Upload]:
    """The files as uploads; FormInvalid naming the field when one is not valid base64."""
    uploads = []
    for number, item in enumerate(files, start=1):
        try:
            content = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise FormInvalid({field: f"File {number} ({item['filename']}) is not valid base64."}) from None
        uploads.append(Upload(io.BytesIO(content), item["filename"]))
    return uploads
