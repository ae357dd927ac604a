"""How much a request may bring, refused with 413 while it streams in, before it is spooled or worked on.

- MAX_CONTENT_LENGTH bounds a multipart body (the largest video and a margin): a larger announced
  Content-Length is refused before a byte is read, and a body that grows past it while streaming is
  cut off there. Any other body (url-encoded forms) is parsed in memory, so it gets the text limit.
- MAX_FORM_MEMORY_SIZE bounds one text field of a multipart form (Werkzeug), and MAX_FORM_PARTS how
  many fields and files it may have.
- Each file part is written once, as it arrives, into the evidence storage's own staging
  (`Storage.receive`: hashed on the way, stored later without another copy). It is sniffed from its
  first bytes and refused as soon as it passes the limit for what it is (MAX_PHOTO_BYTES for a
  photo or anything unknown, MAX_VIDEO_BYTES for a video), so a 200 MB "photo" costs 20 MB of disk
  at most, never 200. Every received file is removed when the request ends; what was stored from
  it stays.
"""

from __future__ import annotations

from typing import IO

from flask import Flask, Request, current_app
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from dispute_engine.words import N_, Words
from media.sniff import SNIFF_BYTES, sniff_bytes
from webapp.core.storage import storage

MB = 1024 * 1024


def size_in_words(size: int) -> str:
    """A byte count as people read it: "20 MB", or "48 KB" under a megabyte."""
    if size >= MB:
        return Words(N_("%(count)s MB"), count=size // MB)
    return Words(N_("%(count)s KB"), count=max(size // 1024, 1))


VIDEO_TOO_LARGE = N_("%(name)s is larger than %(size)s, the most we accept for a video. Nothing was saved.")
PHOTO_TOO_LARGE = N_("%(name)s is larger than %(size)s, the most we accept for a photo. Nothing was saved.")


class FileTooLarge(RequestEntityTooLarge):
    """One uploaded file passed the limit for its kind while it streamed in."""

    def __init__(self, filename: str, description: str) -> None:
        super().__init__(description=description)
        self.filename = filename


class PartLimit:
    """The guard of one uploaded file: refuses it once it is larger than its kind may be."""

    def __init__(self, filename: str | None, photo_bytes: int, video_bytes: int) -> None:
        self._name = filename or Words(N_("A file"))
        self._photo, self._video = photo_bytes, video_bytes
        self._known: tuple[int, str] | None = None

    def __call__(self, head: bytes, size: int) -> None:
        limit, refusal = self._limit(head)
        if size > limit:
            raise FileTooLarge(self._name, Words(refusal, name=self._name, size=size_in_words(limit)))

    def _limit(self, head: bytes) -> tuple[int, str]:
        if self._known is not None:
            return self._known
        if len(head) < SNIFF_BYTES:
            return self._video, VIDEO_TOO_LARGE  # not known yet: a few bytes
        sniffed = sniff_bytes(head)
        video = sniffed is not None and sniffed.kind == "video"
        self._known = (self._video, VIDEO_TOO_LARGE) if video else (self._photo, PHOTO_TOO_LARGE)
        return self._known


class LimitedRequest(Request):
    """Flask's request with the limits above applied while the body is read."""

    @property
    def max_content_length(self) -> int | None:
        """The multipart limit for multipart bodies; the text limit for any other body."""
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        key = "MAX_CONTENT_LENGTH" if self.mimetype == "multipart/form-data" else "MAX_FORM_MEMORY_SIZE"
        limit: int | None = current_app.config.get(key)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        config = current_app.config
        limit = PartLimit(filename, int(config["MAX_PHOTO_BYTES"]), int(config["MAX_VIDEO_BYTES"]))
        received = storage().receive(guard=limit)
        self.__dict__.setdefault("_received", []).append(received)
        return received

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except BaseException as error:
            self._close_received()  # the files that came before the refused or broken part
            if not isinstance(error, RequestEntityTooLarge):
                raise
            # Nothing may read the half-consumed body again (the error page, another hook).
            self.__dict__.update(form=MultiDict(), files=MultiDict())
            if error.description != RequestEntityTooLarge.description:
                raise  # a file part's refusal, already in words
            raise RequestEntityTooLarge(description=self._too_large_in_words()) from None

    def close(self) -> None:
        """Remove every received file, those a malformed body left out of `files` too."""
        try:
            super().close()
        finally:
            self._close_received()

    def _close_received(self) -> None:
        for received in self.__dict__.pop("_received", []):
            received.close()

    def _too_large_in_words(self) -> str:
        limit = self.max_content_length or 0
        if self.content_length is not None and self.content_length > limit:
            refusal = (
                N_(
                    "This request is %(size)s; one request may bring up to %(limit)s. "
                    "Send large videos one at a time. Nothing was saved."
                )
                if self.mimetype == "multipart/form-data"
                else N_("This request is %(size)s; one request may bring up to %(limit)s. Nothing was saved.")
            )
            return Words(refusal, size=size_in_words(self.content_length), limit=size_in_words(limit))
        config = current_app.config
        return Words(
            N_(
                "This request is larger than we accept: up to %(limit)s in all, %(field)s in one text field, "
                "and %(parts)s fields and files. Nothing was saved."
            ),
            limit=size_in_words(limit),
            field=size_in_words(int(config["MAX_FORM_MEMORY_SIZE"])),
            parts=config["MAX_FORM_PARTS"],
        )


def register(app: Flask) -> None:
    """Give `app`'s request class (Flask's, or the subclass an extension installed) these limits.

    Call after the extensions: htmx-flask installs its own request class.
    """
    base = app.request_class
    if not issubclass(base, LimitedRequest):
        app.request_class = type(f"Limited{base.__name__}", (LimitedRequest, base), {})
