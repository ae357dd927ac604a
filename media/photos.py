"""Upright, metadata-free WebP display and thumbnail copies of a photo, made with Pillow.

Only JPEG, PNG, WebP, HEIC/HEIF and GIF are ever opened. The derived copies are rebuilt from
pixels alone, so nothing from the original file (EXIF, GPS, XMP, comments, trailing bytes)
can reach them.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import BinaryIO

import pillow_heif
from PIL import ExifTags, Image

from media.errors import MediaRejected

pillow_heif.register_heif_opener()

OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF")
# Pillow reports a JPEG with a multi-picture index (common on phones) as "MPO".
_FORMAT_NAMES = {"MPO": "JPEG"}
NOT_A_PHOTO = (
    "This file is not a photo we can read: it may be damaged, incomplete or in another format. "
    "We accept JPEG, PNG, WebP, HEIC and GIF photos."
)
WEBP_CONTENT_TYPE = "image/webp"
WEBP_QUALITY = 80
WEBP_METHOD = 4  # libwebp effort, 0 (fastest) to 6 (smallest); 4 is its own default balance
# Pillow's docs: a gap of 3 or more gives results indistinguishable from a plain resize.
REDUCING_GAP = 3.0

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


def derive_photo(
    src: BinaryIO,
    *,
    display_px: int = 1600,
    thumb_px: int = 320,
    max_pixels: int = 50_000_000,
) -> PhotoDerivatives:
    """Decode a photo once and return upright WebP copies whose longest sides fit the limits."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(src, formats=OPEN_FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise MediaRejected(
                        f"The photo is too large: {width} × {height} pixels; "  # noqa: RUF001 (meant for people)
                        f"we accept up to {_megapixels(max_pixels)} megapixels."
                    )
                file_format = _FORMAT_NAMES.get(image.format or "", image.format or "")
                if file_format == "JPEG":
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a 12 MP photo never exists in full.
                    image.draft("RGB", _fitted_size(image.size, display_px))
                # Never draft a HEIF: pillow-heif would decode its embedded thumbnail, whose
                # content need not match the photo itself.
                image.load()
                orientation = _orientation(image)
                display = _pixels_only(_upright(_fit(_rgb(image), display_px), orientation))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRejected(
            f"The photo is too large; we accept up to {_megapixels(max_pixels)} megapixels."
        ) from None
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


def _megapixels(pixels: int) -> str:
    """A pixel count in megapixels, without needless decimals."""
    return f"{pixels / 1_000_000:g}"


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


def _rgb(image: Image.Image) -> Image.Image:
    """The image in RGB, or RGBA when it has transparency."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: convert() would clip every value above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    return image if image.mode == mode else image.convert(mode)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no info, EXIF, ICC profile or anything else."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image: Image.Image) -> DerivedImage:
    """Encode as WebP, passing no metadata at all."""
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return DerivedImage(out.getvalue(), WEBP_CONTENT_TYPE, image.width, image.height)
