"""Photo derivatives: accepted formats, upright and stripped copies (rule E3), and refusals."""

from __future__ import annotations

import io
import struct
import tempfile
import tracemalloc
import warnings
import zlib
from pathlib import Path

import pillow_heif
import pytest
from PIL import ExifTags, Image, PngImagePlugin

from media.errors import MediaRejected
from media.photos import DerivedImage, PhotoDerivatives, derive_photo

GPS_MARKER = "GPS-MARKER-51N"
XMP_MARKER = b"XMP-MARKER"
COMMENT_MARKER = b"COMMENT-MARKER"
RED, BLUE = (255, 0, 0), (0, 0, 255)


def encode(image: Image.Image, fmt: str, **params: object) -> io.BytesIO:
    """The image saved in memory, rewound."""
    out = io.BytesIO()
    image.save(out, fmt, **params)
    out.seek(0)
    return out


def reopen(derived: DerivedImage) -> Image.Image:
    """Decode a derived copy, checking it is the WebP it claims to be."""
    assert derived.content_type == "image/webp"
    image = Image.open(io.BytesIO(derived.data), formats=["WEBP"])
    image.load()
    assert image.size == (derived.width, derived.height)
    return image


def assert_stripped(derived: DerivedImage) -> None:
    """No EXIF, GPS, XMP, ICC profile or comment survives in a derived copy."""
    image = reopen(derived)
    assert not image.getexif()
    for key in ("exif", "xmp", "icc_profile", "comment"):
        assert key not in image.info
    for marker in (GPS_MARKER.encode(), XMP_MARKER, COMMENT_MARKER, b"Exif", b"<script"):
        assert marker not in derived.data


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    """Whether a pixel is the colour give or take lossy compression."""
    return all(abs(a - b) <= 40 for a, b in zip(pixel[:3], colour, strict=True))


def left_red_right_blue(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """An image whose left half is red and right half blue, to tell its orientation."""
    image = Image.new(mode, size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def png_header(width: int, height: int) -> bytes:
    """A PNG claiming width by height pixels, with one tiny IDAT: nothing big is allocated."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_e3_a_rotated_12_megapixel_jpeg_gives_upright_copies_without_exif_or_gps() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSMapDatum] = GPS_MARKER
    stored = left_red_right_blue((4000, 3000))
    src = encode(stored, "JPEG", quality=90, exif=exif, xmp=XMP_MARKER, comment=COMMENT_MARKER)
    assert GPS_MARKER.encode() in src.getvalue() and XMP_MARKER in src.getvalue()

    photo = derive_photo(src)

    assert (photo.width, photo.height, photo.format) == (3000, 4000, "JPEG")
    assert (photo.display.width, photo.display.height) == (1200, 1600)
    assert (photo.thumb.width, photo.thumb.height) == (240, 320)
    display = reopen(photo.display)
    # Orientation 6 means "turn 90° clockwise to view": the stored left half ends up on top.
    assert close_to(display.getpixel((600, 400)), RED)
    assert close_to(display.getpixel((600, 1200)), BLUE)
    assert_stripped(photo.display)
    assert_stripped(photo.thumb)


def test_e3_a_heic_with_an_orientation_gives_upright_copies_without_exif() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    src = encode(left_red_right_blue((640, 480)), "HEIF", quality=80, exif=exif.tobytes())

    photo = derive_photo(src)

    assert (photo.width, photo.height, photo.format) == (480, 640, "HEIF")
    display = reopen(photo.display)
    assert display.size == (480, 640)
    assert close_to(display.getpixel((240, 160)), RED)
    assert close_to(display.getpixel((240, 480)), BLUE)
    assert_stripped(photo.display)


def test_a_png_with_alpha_keeps_its_transparency() -> None:
    image = Image.new("RGBA", (2000, 1000), (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 1000, 1000))
    photo = derive_photo(encode(image, "PNG"))

    assert (photo.width, photo.height, photo.format) == (2000, 1000, "PNG")
    display = reopen(photo.display)
    assert display.mode == "RGBA" and display.size == (1600, 800)
    assert display.getpixel((100, 400))[3] == 0
    assert display.getpixel((1500, 400))[3] == 255
    assert reopen(photo.thumb).size == (320, 160)


def test_a_webp_photo_is_accepted() -> None:
    photo = derive_photo(encode(left_red_right_blue((1000, 800)), "WEBP", quality=90))

    assert (photo.width, photo.height, photo.format) == (1000, 800, "WEBP")
    assert (photo.thumb.width, photo.thumb.height) == (320, 256)
    assert close_to(reopen(photo.display).getpixel((100, 400)), RED)


def test_a_heic_photo_written_to_disk_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "photo.heic"
    pillow_heif.from_pillow(left_red_right_blue((800, 600))).save(path, quality=80)

    with open(path, "rb") as src:
        photo = derive_photo(src)

    assert (photo.width, photo.height, photo.format) == (800, 600, "HEIF")
    assert close_to(reopen(photo.thumb).getpixel((300, 120)), BLUE)


def test_only_the_first_frame_of_an_animated_gif_is_used() -> None:
    frames = [Image.new("RGB", (400, 300), RED), Image.new("RGB", (400, 300), BLUE)]
    src = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(src).n_frames == 2

    photo = derive_photo(src)

    assert (photo.width, photo.height, photo.format) == (400, 300, "GIF")
    assert close_to(reopen(photo.display).getpixel((200, 150)), RED)
    assert close_to(reopen(photo.thumb).getpixel((200, 150)), RED)


def test_a_phone_jpeg_with_a_multi_picture_index_is_reported_as_jpeg() -> None:
    first = left_red_right_blue((600, 400))
    src = encode(first, "MPO", save_all=True, append_images=[Image.new("RGB", (600, 400), BLUE)])
    assert Image.open(src).format == "MPO"

    photo = derive_photo(src)

    assert photo.format == "JPEG"
    assert close_to(reopen(photo.display).getpixel((100, 200)), RED)


def test_e3_a_script_appended_after_a_png_and_its_text_chunks_do_not_reach_the_copies() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", COMMENT_MARKER.decode())
    data = encode(left_red_right_blue((500, 500)), "PNG", pnginfo=text).getvalue()
    src = io.BytesIO(data + b"<script>alert(1)</script>")

    photo = derive_photo(src)

    assert photo.format == "PNG"
    assert_stripped(photo.display)
    assert_stripped(photo.thumb)


def test_a_poster_frame_in_a_spooled_temporary_file_is_accepted() -> None:
    with tempfile.SpooledTemporaryFile(max_size=1024) as src:
        src.write(encode(Image.new("RGB", (1920, 1080), RED), "JPEG").getvalue())
        src.seek(0)
        photo = derive_photo(src)

    assert (photo.display.width, photo.display.height) == (1600, 900)
    assert (photo.thumb.width, photo.thumb.height) == (320, 180)


def test_a_small_image_is_not_upscaled() -> None:
    photo = derive_photo(encode(Image.new("RGB", (200, 100), RED), "PNG"))

    assert (photo.width, photo.height) == (200, 100)
    assert (photo.display.width, photo.display.height) == (200, 100)
    assert (photo.thumb.width, photo.thumb.height) == (200, 100)


def test_a_16_bit_greyscale_png_is_not_clipped_to_white() -> None:
    photo = derive_photo(encode(Image.new("I;16", (64, 64), 32768), "PNG"))

    assert close_to(reopen(photo.display).getpixel((32, 32)), (128, 128, 128))


def test_a_30000_by_30000_png_header_is_refused_quickly_and_with_little_memory() -> None:
    src = io.BytesIO(png_header(30000, 30000))

    tracemalloc.start()
    try:
        with pytest.raises(MediaRejected) as refused:
            derive_photo(src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024
    assert str(refused.value) == (
        "The photo is 30000 × 30000 pixels; photos up to 50 megapixels are accepted."  # noqa: RUF001
    )


def test_a_photo_over_the_pixel_limit_is_refused_from_its_header_before_any_decoding() -> None:
    # 64 MP is under Pillow's own bomb limit, and the tiny IDAT would fail if it were decoded.
    with pytest.raises(MediaRejected) as refused:
        derive_photo(io.BytesIO(png_header(8000, 8000)))

    assert str(refused.value) == (
        "The photo is 8000 × 8000 pixels; photos up to 50 megapixels are accepted."  # noqa: RUF001
    )


def test_pillows_decompression_bomb_warning_refuses_the_photo_even_where_warnings_are_ignored() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(MediaRejected) as refused:
            derive_photo(io.BytesIO(png_header(10000, 10000)), max_pixels=10**9)

    # Pillow's own limit (89.5 megapixels) holds even when ours is set higher.
    assert str(refused.value) == (
        "The photo is 10000 × 10000 pixels; photos up to 89.5 megapixels are accepted."  # noqa: RUF001
    )


def truncated_jpeg() -> bytes:
    """The first half of a noisy JPEG."""
    data = encode(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG").getvalue()
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    """The first half of a noisy PNG."""
    data = encode(Image.effect_noise((300, 300), 60).convert("RGB"), "PNG").getvalue()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!doctype html><html><body>not a photo</body></html>", id="html-named-jpg"),
        pytest.param(b"", id="empty"),
        pytest.param(truncated_jpeg(), id="truncated-jpeg"),
        pytest.param(truncated_png(), id="truncated-png"),
        pytest.param(b"\xff\xd8\xff" + bytes(range(256)) * 4, id="garbage-after-a-jpeg-signature"),
        pytest.param(encode(Image.new("RGB", (10, 10)), "BMP").getvalue(), id="bmp"),
        pytest.param(encode(Image.new("RGB", (10, 10)), "TIFF").getvalue(), id="tiff"),
    ],
)
def test_a_file_that_is_not_a_readable_photo_is_refused_with_a_readable_reason(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_bytes(content)

    with open(path, "rb") as src, pytest.raises(MediaRejected) as refused:
        derive_photo(src)

    message = str(refused.value)
    assert message.startswith("This file is not a photo we can read")
    assert "JPEG, PNG, WebP, HEIC and GIF" in message


def test_the_result_types_are_frozen() -> None:
    photo = derive_photo(encode(Image.new("RGB", (10, 10)), "PNG"))

    assert isinstance(photo, PhotoDerivatives)
    with pytest.raises(AttributeError):
        photo.width = 1  # type: ignore[misc]
