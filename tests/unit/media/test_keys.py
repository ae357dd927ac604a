"""Server-made keys, path safety of the disk backend, and safe download names."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest

from media import (
    VARIANTS,
    InvalidKey,
    LocalDiskStorage,
    check_key,
    content_disposition,
    evidence_key,
    safe_download_name,
)

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def test_evidence_key_has_the_documented_layout() -> None:
    assert evidence_key(7, UUID, "original") == f"disputes/7/evidence/{UUID}/original"


@pytest.mark.parametrize("given", [UUID, UUID.upper(), UUID.replace("-", ""), uuid.UUID(UUID)], ids=str)
def test_every_spelling_of_a_uuid_gives_the_same_canonical_key(given: str) -> None:
    assert evidence_key(7, given, "thumb") == f"disputes/7/evidence/{UUID}/thumb"


def test_every_variant_gives_a_valid_key() -> None:
    for variant in VARIANTS:
        assert check_key(evidence_key(1, UUID, variant)).endswith("/" + variant)  # type: ignore[arg-type]


@pytest.mark.parametrize("dispute_id", [0, -1, True, "7", 7.0, None, 2**63], ids=repr)
def test_dispute_ids_that_are_not_positive_ints_are_refused(dispute_id: object) -> None:
    with pytest.raises(InvalidKey):
        evidence_key(dispute_id, UUID, "original")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "item_uuid",
    [
        "",
        "not-a-uuid",
        UUID + "\n",
        UUID[:-1],
        "{" + UUID + "}",
        "urn:uuid:" + UUID,
        "../../../etc/passwd",
        UUID[:8] + "/" + UUID[9:],
        "photo.jpg",
        None,
        12345,
    ],
    ids=repr,
)
def test_anything_but_a_hex_or_canonical_uuid_is_refused(item_uuid: object) -> None:
    with pytest.raises(InvalidKey):
        evidence_key(7, item_uuid, "original")  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", ["Original", "raw", "../original", "thumb/x", "", None])
def test_unknown_variants_are_refused(variant: object) -> None:
    with pytest.raises(InvalidKey):
        evidence_key(7, UUID, variant)  # type: ignore[arg-type]


TRAVERSALS = [
    "../outside",
    "a/../../outside",
    "/etc/passwd",
    "a\\..\\..\\outside",
    "C:/outside",
    ".staging/upload-x",
    "a/.hidden",
    "a//b",
    "a/b/",
    "a/\x00b",
    "",
    "x" * 600,
]


@pytest.mark.parametrize("key", TRAVERSALS, ids=repr)
def test_local_disk_refuses_keys_that_could_leave_its_root(tmp_path: Path, key: str) -> None:
    storage = LocalDiskStorage(tmp_path / "root")
    with pytest.raises(InvalidKey):
        storage.put(key, io.BytesIO(b"payload"), content_type="image/jpeg")
    for method in (storage.open, storage.exists, storage.size, storage.path_for):
        with pytest.raises(InvalidKey):
            method(key)
    assert [p.name for p in tmp_path.iterdir()] == ["root"]


def test_local_disk_refuses_a_symlink_that_points_outside_its_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    storage = LocalDiskStorage(tmp_path / "root")
    (storage.root / "disputes").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey):
        storage.put(evidence_key(1, UUID, "original"), io.BytesIO(b"x"), content_type="image/png")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize(
    ("original", "safe"),
    [
        ("parcel.jpg", "parcel.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\Photo 1.JPG", "Photo 1.JPG"),
        ("bad\r\nX-Injected: 1.png", "badX-Injected_ 1.png"),
        ('say "cheese".jpg', "say _cheese_.jpg"),
        ("report\u202egpj.exe", "reportgpj.exe"),
        ("  spaced   out  .mp4 ", "spaced out.mp4"),
        ("trailing dots...", "trailing dots"),
        (".jpg", "evidence.jpg"),
        ("...", "evidence"),
        ("", "evidence"),
        (None, "evidence"),
        ("CON.txt", "evidence-CON.txt"),
        ("colis abîmé.heic", "colis abîmé.heic"),
        ("写真.jpg", "写真.jpg"),
    ],
    ids=repr,
)
def test_safe_download_name_strips_paths_and_control_chars_and_keeps_the_extension(
    original: str | None, safe: str
) -> None:
    assert safe_download_name(original) == safe
    assert safe_download_name(safe) == safe


def test_safe_download_name_shortens_long_names_but_keeps_the_extension() -> None:
    name = safe_download_name("é" * 400 + ".jpeg")
    assert name.endswith(".jpeg")
    assert len(name.encode("utf-8")) <= 210


def test_content_disposition_carries_an_ascii_name_and_a_utf8_name() -> None:
    value = content_disposition("attachment", 'colis abîmé "2".jpg')
    assert value == (
        "attachment; filename=\"colis abime _2_.jpg\"; filename*=UTF-8''colis%20ab%C3%AEm%C3%A9%20_2_.jpg"
    )


@pytest.mark.parametrize("filename", ["写真.jpg", "a\r\nb.png", '"%22".gif', "../x.mp4"], ids=repr)
def test_content_disposition_is_a_single_header_safe_line(filename: str) -> None:
    value = content_disposition("inline", filename)
    assert value.isascii() and "\r" not in value and "\n" not in value
    ascii_part = value.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part and "%" not in ascii_part and "/" not in ascii_part
    assert unquote(value.split("UTF-8''", 1)[1]) == safe_download_name(filename)


def test_content_disposition_falls_back_to_evidence_for_a_non_ascii_name() -> None:
    assert content_disposition("inline", "写真.jpg").startswith('inline; filename="evidence.jpg"')


@pytest.mark.parametrize("disposition", ["", "form-data", "attachment; x=1", None])
def test_content_disposition_refuses_other_dispositions(disposition: object) -> None:
    with pytest.raises(ValueError):
        content_disposition(disposition, "a.jpg")  # type: ignore[arg-type]
