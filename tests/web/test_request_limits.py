"""Bodies too large are refused with 413 and words while they stream in, before they are spooled."""

from __future__ import annotations

import io

import pytest
from dispute_world import World, ago
from sqlalchemy import func, select
from test_evidence_locker import text
from test_upload_cost import everything_stored

from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem

MB = 1024 * 1024
BOUNDARY = "limitsboundary"
JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 60
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 52
PARSER_SLACK = 256 * 1024  # the multipart parser reads in 64 KB chunks and looks ahead for the boundary


@pytest.fixture
def app_config():
    return {
        "MAX_PHOTO_BYTES": MB,
        "MAX_VIDEO_BYTES": 10 * MB,
        "MAX_CONTENT_LENGTH": 12 * MB,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 8,
    }


class StreamedBody:
    """A multipart upload of one file, made as it is read, that counts how much the server read."""

    def __init__(self, head: bytes, size: int, filename: str = "big.jpg") -> None:
        self._prefix = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + head
        self._filler = size - len(head)
        self._suffix = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.length = len(self._prefix) + self._filler + len(self._suffix)
        self.read_bytes = 0  # what the server read
        self._at = 0

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = 0) -> int:
        """Only for the test client measuring the length: reading starts at the beginning."""
        self._at = self.length if whence == 2 else offset
        return self._at

    def read(self, size: int = -1) -> bytes:
        """The next bytes: the part's headers and head, then filler, then the closing boundary."""
        size = self.length - self._at if size is None or size < 0 else size
        chunk = b""
        while len(chunk) < size and self._at < self.length:
            at, want = self._at, size - len(chunk)
            if at < len(self._prefix):
                piece = self._prefix[at : at + want]
            elif at < len(self._prefix) + self._filler:
                piece = b"\x01" * min(want, len(self._prefix) + self._filler - at)
            else:
                start = at - len(self._prefix) - self._filler
                piece = self._suffix[start : start + want]
            chunk += piece
            self._at += len(piece)
        self.read_bytes += len(chunk)
        return chunk


def send(client, dispute_id: int, body: StreamedBody, **options):
    return client.post(
        f"/disputes/{dispute_id}/evidence",
        input_stream=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **options,
    )


def evidence_count() -> int:
    return db.session.scalar(select(func.count(EvidenceItem.id)))


def test_a_body_announced_over_the_limit_is_refused_before_a_byte_is_read(client, auth, world: World):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    body = StreamedBody(MP4_HEAD, 13 * MB, "huge.mp4")
    response = send(client, dispute_id, body)
    assert response.status_code == 413
    assert "This request is 13 MB; one request may bring up to 12 MB." in text(response)
    assert body.read_bytes == 0


def test_e1_a_photo_is_refused_as_soon_as_it_passes_the_photo_limit_not_after_it_is_spooled(
    client, auth, world: World
):
    dispute_id = world.open(ago(1)).id
    before = evidence_count()
    auth.login_as(world.buyer)
    body = StreamedBody(JPEG_HEAD, 11 * MB, "big.jpg")  # within the request limit, far over a photo's
    response = send(client, dispute_id, body)
    assert response.status_code == 413
    assert "big.jpg is larger than 1 MB, the most we accept for a photo. Nothing was saved." in text(response)
    assert body.read_bytes < MB + PARSER_SLACK  # the other 10 MB were never read, so never spooled
    assert evidence_count() == before


def test_e1_a_video_may_pass_the_photo_limit_it_is_read_to_the_end(client, auth, world: World):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    body = StreamedBody(MP4_HEAD, 2 * MB, "clip.mp4")
    response = send(client, dispute_id, body)
    assert response.status_code != 413
    assert body.read_bytes == body.length


def test_a_body_cut_short_leaves_no_received_file_behind(app, client, auth, world: World):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    before, body = everything_stored(app), StreamedBody(MP4_HEAD, 2 * MB, "clip.mp4")
    cut = io.BytesIO(body.read(body.length - 20))  # the closing boundary never comes

    response = client.post(
        f"/disputes/{dispute_id}/evidence",
        input_stream=cut,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        content_length=len(cut.getvalue()),
    )

    assert response.status_code == 422 and "Choose at least one photo or video." in text(response)
    assert everything_stored(app) == before


def test_a_chunked_body_without_a_length_is_cut_off_at_the_request_limit(client, auth, world: World):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    body = StreamedBody(MP4_HEAD, 20 * MB, "endless.mp4")
    response = send(
        client,
        dispute_id,
        body,
        headers={"Transfer-Encoding": "chunked"},  # no length announced: counted while read
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and "Nothing was saved." in text(response)
    assert body.read_bytes < 12 * MB + PARSER_SLACK


def test_a_text_field_over_its_limit_and_a_form_with_too_many_parts_are_refused_in_words(
    client, auth, world: World
):
    dispute_id = world.open(ago(1)).id
    auth.login_as(world.buyer)
    long_message = client.post(f"/disputes/{dispute_id}/message", data={"body": "x" * 70_000})
    assert long_message.status_code == 413
    assert "one request may bring up to 64 KB. Nothing was saved." in text(long_message)
    many = client.post(
        f"/disputes/{dispute_id}/message",
        data={f"field{n}": "x" for n in range(10)},
        content_type="multipart/form-data",
    )
    assert many.status_code == 413
    assert "and 8 fields and files. Nothing was saved." in text(many)
