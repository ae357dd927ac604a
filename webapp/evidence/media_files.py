"""Hand a stored evidence file to the browser: a short-lived presigned link, or the bytes from local disk.

Whatever the backend, the server decides the content type and the Content-Disposition, and the
browser is told not to sniff, cache publicly, or run anything it gets (E3, E4).
"""

from __future__ import annotations

from flask import abort, redirect, send_file
from werkzeug.wrappers import Response

from dispute_engine.words import N_, Words
from media import LocalDiskStorage, ObjectNotFound, safe_download_name
from media.keys import content_disposition
from media.storage import MAX_URL_EXPIRY, Disposition
from webapp.core.storage import storage
from webapp.evidence.access import stored_variant
from webapp.evidence.models import EvidenceItem

EXTENSIONS = {"image/webp": ".webp", "video/mp4": ".mp4"}


def original(item: EvidenceItem) -> Response:
    """The original as uploaded (with its metadata), always as a download."""
    name = safe_download_name(item.original_name)
    response = _serve(item.storage_key, name, item.content_type, "attachment")
    # It may carry GPS: a browser shared after logout must not hand it out from its cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def derived(item: EvidenceItem, variant: str) -> Response:
    """A derived copy (display, thumb, poster, video), shown inline; 404 until it exists."""
    found = stored_variant(item, variant)
    if found is None:
        abort(404, description=Words(N_("This file is not ready yet, or the item has none of this kind.")))
    key, content_type = found
    stem = safe_download_name(item.original_name).rsplit(".", 1)[0]
    return _serve(key, f"{stem}-{variant}{EXTENSIONS[content_type]}", content_type, "inline")


def _serve(key: str, filename: str, content_type: str, disposition: Disposition) -> Response:
    backend = storage()
    url = backend.url(key, filename=filename, content_type=content_type, disposition=disposition)
    if url is not None:
        response = redirect(url, code=302)
        # The link itself expires within minutes: never let anything keep the redirect longer.
        response.headers["Cache-Control"] = "private, no-store"
        return response
    try:
        if isinstance(backend, LocalDiskStorage):
            # send_file with a path answers Range requests, which video players rely on.
            response = send_file(backend.path_for(key), mimetype=content_type, conditional=True, etag=True)
        else:
            response = send_file(backend.open(key), mimetype=content_type)
    except (ObjectNotFound, FileNotFoundError):
        abort(404, description=Words(N_("This file is not stored (any more).")))
    response.headers["Content-Disposition"] = content_disposition(disposition, filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"
    )
    response.headers["Cache-Control"] = f"private, max-age={MAX_URL_EXPIRY}"
    return response


def attachment(key: str, filename: str, content_type: str) -> Response:
    """Another stored file (a case's ZIP) as a private download: a short-lived link, or the bytes."""
    response = _serve(key, filename, content_type, "attachment")
    response.headers["Cache-Control"] = "private, no-store"
    return response
