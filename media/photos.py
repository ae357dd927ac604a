"""Upright, metadata-free WebP display and thumbnail copies of a photo, made with Pillow.

Only JPEG, PNG, WebP, HEIC/HEIF and GIF are ever opened. The derived copies are rebuilt from
pixels alone, so nothing from the original file (EXIF, GPS, XMP, comments, trailing bytes)
can reach them. `probe_photo` reads only a photo's header, so an upload over the pixel limit is
refused before anything is decoded; `derive_photo` decodes a JPEG at reduced scale and shrinks
every other format strip by strip, so no full-size converted copy is ever made.
"""

from __future__ import annotations

import contextlib
import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO

import pillow_heif
from PIL import ExifTags, Image

from media.errors import MediaRejected
from media.words import N_, Sentence

pillow_heif.register_heif_opener()

OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF")
# Pillow reports a JPEG with a multi-picture index (common on phones) as "MPO".
_FORMAT_NAMES = {"MPO": "JPEG"}
NOT_A_PHOTO = Sentence(
    N_(
        "This file is not a photo we can read: it may be damaged, incomplete or in another format. "
        "We accept JPEG, PNG, WebP, HEIC and GIF photos."
    )
)
THE_PHOTO = Sentence(N_("The photo"))
WEBP_CONTENT_TYPE = "image/webp"
WEBP_QUALITY = 80
WEBP_METHOD = 4  # libwebp effort, 0 (fastest) to 6 (smallest); 4 is its own default balance
# Pillow's docs: a gap of 3 or more gives results indistinguishable from a plain resize.
REDUCING_GAP = 3.0
# The box reduction before that resize keeps at least twice the output size, as Pillow's thumbnail() does.
SHRINK_GAP = 2
STRIP_BYTES = 8 * 1024 * 1024  # one strip of the full-size picture, converted and reduced at a time
MAX_PIXELS = 50_000_000  # phones take 48-50 megapixel photos
# Pillow decodes a WebP through three full-size copies (about 15 bytes a pixel, a JPEG is drafted
# and a PNG takes 4), so a WebP gets half the limit: 25 MP cost about as much as a 50 MP HEIC.
_FORMAT_LIMITS = {
    "WEBP": (
        25_000_000,
        N_("%(name)s is %(width)s × %(height)s pixels; WebP photos up to %(limit)s megapixels are accepted."),  # noqa: RUF001
    )
}
_OVER_THE_LIMIT = N_(
    "%(name)s is %(width)s × %(height)s pixels; photos up to %(limit)s megapixels are accepted."  # noqa: RUF001
)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = {5, 6, 7, 8}
# What Pillow and its plugins raise for files they cannot identify, parse or decode to the end.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


@dataclass(frozen=True)
class DerivedImage:
    """One encoded copy made from a photo's pixels, and its size."""

    data: bytes
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class PhotoDerivatives:
    """A photo's upright size and format, with its display and thumbnail copies."""

    width: int
    height: int
    format: str
    display: DerivedImage
    thumb: DerivedImage


@dataclass(frozen=True)
class PhotoHeader:
    """What a photo's header says: its stored size and its format."""

    width: int
    height: int
    format: str


def probe_photo(src: IO[bytes], *, name: str = THE_PHOTO, max_pixels: int = MAX_PIXELS) -> PhotoHeader:
    """Read a photo's size and format from its header alone and refuse it over the limit; rewind it after."""
    start = src.tell()
    try:
        with _opened(src, name, max_pixels) as image:
            width, height = image.size
            header = PhotoHeader(width, height, _format(image))
    except _UNREADABLE as error:
        raise MediaRejected(NOT_A_PHOTO) from error
    finally:
        src.seek(start)
    _check_pixels(name, header, max_pixels)
    return header


def derive_photo(
    src: BinaryIO,
    *,
    display_px: int = 1600,
    thumb_px: int = 320,
    max_pixels: int = MAX_PIXELS,
) -> PhotoDerivatives:
    """Decode a photo once and return upright WebP copies whose longest sides fit the limits."""
    try:
        with _opened(src, THE_PHOTO, max_pixels) as image:
            width, height = image.size
            file_format = _format(image)
            _check_pixels(THE_PHOTO, PhotoHeader(width, height, file_format), max_pixels)
            if file_format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a 12 MP photo never exists in full.
                image.draft("RGB", _fitted_size(image.size, display_px))
            # Never draft a HEIF: pillow-heif would decode its embedded thumbnail, whose
            # content need not match the photo itself.
            image.load()
            orientation = _orientation(image)
            shrunk = _shrunk(image, display_px)
            if shrunk is not image:
                image.close()  # frees the full-size decode before the resize allocates anything more
        display = _pixels_only(_upright(_fit(shrunk, display_px), orientation))
    except _UNREADABLE as error:
        raise MediaRejected(NOT_A_PHOTO) from error
    if orientation in _SIDEWAYS:
        width, height = height, width
    return PhotoDerivatives(
        width=width,
        height=height,
        format=file_format,
        display=_encode(display),
        thumb=_encode(_fit(display, thumb_px)),
    )


@contextlib.contextmanager
def _opened(src: IO[bytes], name: str, max_pixels: int) -> Iterator[Image.Image]:
    """The photo opened lazily (header only) by one of the five plugins, Pillow's bomb checks as errors."""
    start = src.tell()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(src, formats=OPEN_FORMATS) as image:
                yield image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refused before handing out the size (over its own 89 or 179 megapixels).
        header = _header_past_pillows_limit(src, start)
        pillows_limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
        if header is not None:
            _check_pixels(name, header, pillows_limit)
        raise MediaRejected(
            Sentence(
                N_("%(name)s is larger than %(limit)s megapixels, the most we accept."),
                name=name,
                limit=_megapixels(pillows_limit),
            )
        ) from None


def _header_past_pillows_limit(src: IO[bytes], start: int) -> PhotoHeader | None:
    """Read the header Pillow's bomb check refused, with the same plugins but without that check."""
    for name in OPEN_FORMATS:
        factory, accept = Image.OPEN[name]
        src.seek(start)
        if accept is not None and not accept(src.read(16)):
            continue
        src.seek(start)
        try:
            with factory(src, "") as image:
                return PhotoHeader(image.width, image.height, _format(image))
        except _UNREADABLE:
            continue
    return None


def _format(image: Image.Image) -> str:
    return _FORMAT_NAMES.get(image.format or "", image.format or "")


def _check_pixels(name: str, header: PhotoHeader, max_pixels: int) -> None:
    """Refuse a photo with more pixels than its format's limit, saying its size and the limit."""
    limit, refusal = _FORMAT_LIMITS.get(header.format, (max_pixels, _OVER_THE_LIMIT))
    limit = min(limit, max_pixels)
    if header.width * header.height > limit:
        raise MediaRejected(
            Sentence(refusal, name=name, width=header.width, height=header.height, limit=_megapixels(limit))
        )


def _megapixels(pixels: int) -> str:
    """A pixel count in megapixels, to three significant digits: "50", "25", "89.5"."""
    return f"{pixels / 1_000_000:.3g}"


def _fitted_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """The size with the same aspect whose longest side is at most `longest`, never larger."""
    width, height = size
    if max(width, height) <= longest:
        return width, height
    if width >= height:
        return longest, max(1, round(height * longest / width))
    return max(1, round(width * longest / height)), longest


def _fit(image: Image.Image, longest: int) -> Image.Image:
    """Shrink an image so its longest side is at most `longest`; small images are left alone."""
    size = _fitted_size(image.size, longest)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation of a loaded image, 1 when absent or unreadable."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _UNREADABLE:
        # Broken EXIF does not make the pixels unusable.
        return 1
    return value if isinstance(value, int) else 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn or flip an image as its EXIF orientation says."""
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)


def _shrunk(image: Image.Image, longest: int) -> Image.Image:
    """The loaded image in RGB(A), box-reduced by a whole factor that keeps twice `longest`.

    The full-size picture is converted and reduced one strip at a time, so memory holds the decoded
    picture and the reduced copy, never a converted (or alpha-premultiplied) full-size one.
    """
    mode = "RGBA" if image.has_transparency_data else "RGB"
    width, height = image.size
    factor = max(1, max(width, height) // (longest * SHRINK_GAP))
    if factor == 1:
        return _rgb(image, mode)
    rows = max(1, STRIP_BYTES // (width * 4 * factor)) * factor  # a whole number of reduction boxes
    shrunk = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        shrunk.paste(_rgb(strip, mode).reduce(factor), (0, top // factor))
    return shrunk


def _rgb(image: Image.Image, mode: str) -> Image.Image:
    """The image in `mode` (RGB, or RGBA for a photo with transparency)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: convert() would clip every value above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    return image if image.mode == mode else image.convert(mode)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no info, EXIF, ICC profile or anything else."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image) -> DerivedImage:
    """Encode as WebP, passing no metadata at all."""
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return DerivedImage(out.getvalue(), WEBP_CONTENT_TYPE, image.width, image.height)
