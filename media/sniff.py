"""Tell what a file is from its first bytes, never from its name or the browser's word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Literal

SNIFF_BYTES = 64
MediaKind = Literal["photo", "video"]


@dataclass(frozen=True)
class Sniffed:
    """A recognised file: photo or video, and the content type it really has."""

    kind: MediaKind
    content_type: str


_ISO_BRANDS: dict[bytes, Sniffed] = {
    **dict.fromkeys(
        (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"),
        Sniffed("photo", "image/heic"),
    ),
    **dict.fromkeys((b"qt  ",), Sniffed("video", "video/quicktime")),
    **dict.fromkeys((b"3gp4", b"3gp5", b"3gp6", b"3gg6", b"3g2a"), Sniffed("video", "video/3gpp")),
}


def sniff_bytes(head: bytes) -> Sniffed | None:
    """Recognise JPEG, PNG, WebP, GIF, HEIC/HEIF, MP4, MOV, 3GP and WebM by their signatures."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("photo", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("photo", "image/png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("photo", "image/webp")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("photo", "image/gif")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video", "video/webm")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BRANDS:
            return _ISO_BRANDS[brand]
        if brand.startswith(b"3g"):
            return Sniffed("video", "video/3gpp")
        return Sniffed("video", "video/mp4")
    return None


def sniff_stream(stream: IO[bytes]) -> Sniffed | None:
    """Sniff a seekable stream and rewind it to where it was."""
    start = stream.tell()
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    return sniff_bytes(head)
