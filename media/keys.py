"""Server-made storage keys and safe download names.

Keys are built only from validated integers, UUIDs and a fixed set of variant names, so
nothing a user typed (a filename above all) can ever reach a key.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Literal, get_args
from urllib.parse import quote

from media.storage import Disposition, InvalidKey

Variant = Literal["original", "display", "thumb", "video", "poster"]
VARIANTS: frozenset[str] = frozenset(get_args(Variant))

MAX_KEY_LENGTH = 512
_SEGMENT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_UUID_RE = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
_MAX_ID = 2**63 - 1

FALLBACK_NAME = "evidence"
MAX_NAME_LENGTH = 150
_EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,10}")
_UNSAFE_CHARS_RE = re.compile(r'[\\/:*?"<>|;]')
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in "123456789"
}
# RFC 5987 attr-char, minus the ALPHA / DIGIT that quote() never escapes.
_ATTR_CHARS = "!#$&+-.^_`|~"


def check_key(key: str) -> str:
    """Return the key if it is a relative, slash-separated path of safe segments."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"invalid storage key: {key!r}")
    if not all(_SEGMENT_RE.fullmatch(segment) for segment in key.split("/")):
        raise InvalidKey(f"invalid storage key: {key!r}")
    return key


def canonical_uuid(value: str | uuid.UUID) -> str:
    """Return a UUID given as 32 hex digits or in canonical form as lowercase canonical text."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str) or not _UUID_RE.fullmatch(value):
        raise InvalidKey(f"invalid uuid: {value!r}")
    return str(uuid.UUID(value))


def evidence_key(dispute_id: int, item_uuid: str | uuid.UUID, variant: Variant) -> str:
    """Return the key `disputes/<id>/evidence/<uuid>/<variant>` for one evidence file."""
    if isinstance(dispute_id, bool) or not isinstance(dispute_id, int):
        raise InvalidKey(f"dispute id must be an int: {dispute_id!r}")
    if not 1 <= dispute_id <= _MAX_ID:
        raise InvalidKey(f"dispute id out of range: {dispute_id!r}")
    if variant not in VARIANTS:
        raise InvalidKey(f"unknown variant: {variant!r}")
    return check_key(f"disputes/{dispute_id}/evidence/{canonical_uuid(item_uuid)}/{variant}")


def safe_download_name(original_name: str | None) -> str:
    """Turn a user's filename into a harmless download name that keeps its extension."""
    if not isinstance(original_name, str):
        return FALLBACK_NAME
    name = unicodedata.normalize("NFC", original_name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = _UNSAFE_CHARS_RE.sub("_", name)
    name = " ".join(name.split())
    name = name.rstrip(". ")
    if name.startswith("."):
        # ".jpg" is an extension with no stem; ".bashrc" is a hidden file we un-hide.
        name = FALLBACK_NAME + name if _EXTENSION_RE.fullmatch(name) else name.lstrip(". ")
    if not name:
        return FALLBACK_NAME
    stem, ext = _split_extension(name)
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"{FALLBACK_NAME}-{stem}"
    stem = _truncate(stem, MAX_NAME_LENGTH - len(ext)).rstrip(". ") or FALLBACK_NAME
    return stem + ext


def readable_name(original_name: str | None) -> str:
    """The filename to show a person: no control, bidirectional-override or invisible characters.

    "invoice\u202egpj.exe" would read as "invoiceexe.jpg"; shown, it reads "invoicegpj.exe".
    """
    name = unicodedata.normalize("NFC", original_name or "")
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return " ".join(name.split()) or FALLBACK_NAME


def content_disposition(disposition: Disposition, filename: str | None) -> str:
    """Build an RFC 6266 Content-Disposition value with an ASCII and a UTF-8 filename."""
    if disposition not in ("inline", "attachment"):
        raise ValueError(f"invalid disposition: {disposition!r}")
    name = safe_download_name(filename)
    return (
        f'{disposition}; filename="{_ascii_fallback(name)}"; '
        f"filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    )


def _split_extension(name: str) -> tuple[str, str]:
    """Split off a short alphanumeric extension, if the name has one."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and _EXTENSION_RE.fullmatch(dot + ext):
        return stem, dot + ext
    return name, ""


def _truncate(text: str, max_chars: int) -> str:
    """Cut text to max_chars characters and at most 200 UTF-8 bytes."""
    text = text[:max_chars]
    while len(text.encode("utf-8")) > 200:
        text = text[:-1]
    return text


def _ascii_fallback(name: str) -> str:
    """Return an ASCII-only version of a safe name for clients that ignore filename*."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_name = "".join(
        c if " " <= c <= "~" and c not in '"\\%' else "_" for c in decomposed if not unicodedata.combining(c)
    )
    stem, ext = _split_extension(ascii_name)
    if not stem.strip("_ ."):
        return FALLBACK_NAME + ext
    return ascii_name
