"""Every refusal of the pages is translatable: a Russian reader is told in Russian why a file was refused
(E1), that a limit was hit, and which demo accounts there are; the English is unchanged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from dispute_world import World, ago
from hostile_files import fake_mp4, png_header
from test_case_export_pages import decided, newest_export
from test_evidence_locker import HX, items, jpeg, text, upload
from test_opening_form import FORM
from test_rate_limits import login
from test_request_limits import JPEG_HEAD, StreamedBody, send

from media import video
from webapp.accounts.demo_people import PASSWORD, PEOPLE
from webapp.core.extensions import db
from webapp.evidence.models import ProcessingStatus
from webapp.exports.building import WORKER_STOPPED
from webapp.exports.models import ExportStatus

MB = 1024 * 1024
BOTH = pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])


def russian_buyer(world: World, auth: Any) -> int:
    """A dispute of a buyer who chose Russian, logged in; its id."""
    dispute = world.open(ago(1))
    world.buyer.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    return dispute.id


@BOTH
def test_e1_a_file_that_is_neither_photo_nor_video_is_refused_in_russian_with_the_limits(
    client, auth, world: World, headers
):
    response = upload(client, russian_buyer(world, auth), b"just some notes", "notes.txt", headers=headers)
    html = text(response)
    assert response.status_code == 422
    assert "notes.txt — не фото и не видео. Мы принимаем фото (JPEG, PNG, WebP, HEIC, GIF) и видео" in html
    assert "МБ на фото" in html and "мин. на видео" in html
    assert "is not a photo or video" not in html and " MB" not in html


@BOTH
@pytest.mark.parametrize(
    ("name", "content", "refusal"),
    [
        pytest.param(
            "bomb.png",
            png_header(30000, 30000),
            "bomb.png: 30000 × 30000 пикселей; фото принимаются размером до 50 мегапикселей.",  # noqa: RUF001
            id="png-bomb",
        ),
        pytest.param(
            "clip.mp4",
            fake_mp4(),
            "clip.mp4: Это видео не удалось прочитать: возможно, оно неполное или повреждено.",
            id="fake-mp4",
        ),
    ],
)
def test_e1_a_hostile_file_is_refused_in_russian(
    client, auth, world: World, headers, name: str, content: bytes, refusal: str
):
    response = upload(client, russian_buyer(world, auth), content, name, headers=headers)
    assert response.status_code == 422
    assert refusal in text(response)
    assert "accepted" not in text(response) and "could not be read" not in text(response)


def test_e1_the_dispute_page_states_the_upload_limits_in_russian(client, auth, world: World):
    html = text(client.get(f"/disputes/{russian_buyer(world, auth)}"))
    assert (
        "Принимаем фото (JPEG, PNG, WebP, HEIC, GIF) и видео (MP4, MOV, WebM, 3GP): до 20 МБ на фото, "
        "до 500 МБ и 10 мин. на видео, всего файлов — не больше 50." in html
    )
    assert "a photo," not in html


class TestLimits:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_UPLOADS": "1 per hour", "MAX_PHOTO_BYTES": MB}

    @BOTH
    def test_e1_a_photo_over_its_limit_is_refused_in_russian_as_it_streams_in(
        self, client, auth, world: World, headers
    ):
        dispute_id = russian_buyer(world, auth)
        response = send(client, dispute_id, StreamedBody(JPEG_HEAD, 3 * MB, "big.jpg"), headers=headers)
        assert response.status_code == 413
        assert "big.jpg больше 1 МБ — это наибольший размер фото, который мы принимаем." in text(response)

    @BOTH
    def test_uploads_past_the_rate_limit_are_refused_in_russian(self, client, auth, world: World, headers):
        dispute_id = russian_buyer(world, auth)
        assert upload(client, dispute_id, jpeg((1, 1, 1)), "one.jpg").status_code == 303
        refused = upload(client, dispute_id, jpeg((2, 2, 2)), "two.jpg", headers=headers)
        assert refused.status_code == 429
        assert "Вы отправили много файлов за короткое время. Подождите " in text(refused)
        assert "sent many files" not in text(refused)


def test_the_login_page_describes_the_demo_accounts_in_russian(client, make_user):
    for email, name, role, tier in PEOPLE:
        make_user(role=role, email=email, tier=tier, name=name, password=PASSWORD)
    html = text(client.get("/login", headers={"Accept-Language": "ru"}))
    assert "(покупатель, уровень: золотой)" in html and "(старший посредник)" in html
    assert "member)" not in html


def test_e3_a_file_that_could_not_be_prepared_says_why_in_russian(client, auth, world: World):
    dispute_id = russian_buyer(world, auth)
    assert upload(client, dispute_id, jpeg((4, 4, 4)), "clip.jpg").status_code == 303
    item = items(dispute_id)[-1]
    item.status, item.failure_reason = ProcessingStatus.FAILED, str(video.UNREADABLE)
    db.session.commit()
    html = text(client.get(f"/disputes/{dispute_id}"))
    assert "Это видео не удалось прочитать: возможно, оно неполное или повреждено." in html
    assert "could not be read" not in html


@BOTH
def test_e4_a_failed_case_download_says_why_in_russian(client, auth, world: World, headers):
    dispute = decided(world)
    world.seller.locale = "ru"
    db.session.commit()
    auth.login_as(world.seller)
    client.post(f"/disputes/{dispute.id}/exports")
    export = newest_export()
    export.status, export.failure_reason = ExportStatus.FAILED, WORKER_STOPPED
    db.session.commit()
    refused = client.get(f"/exports/{export.uuid}/download", headers=headers)
    assert refused.status_code == 409
    said = (
        "Не удалось подготовить архив: процесс, который его собирал, каждый раз останавливался. "
        "Запросите новый."
    )
    assert said in text(refused)
    page = text(client.get(f"/disputes/{dispute.id}/export", headers=headers))
    assert said in page and "stopped each time" not in page


@BOTH
def test_o10_the_orders_page_says_in_russian_why_protection_cannot_be_extended(
    client, auth, world: World, headers
):
    russian_buyer(world, auth)
    html = text(client.get("/orders", headers=headers))
    assert "По этому заказу открыт спор: решайте вопрос в нём." in html
    assert "settle it there" not in html


@BOTH
def test_o8_a_bomb_sent_with_the_opening_form_is_refused_in_russian(client, auth, world: World, headers):
    world.buyer.locale = "ru"
    db.session.commit()
    auth.login_as(world.buyer)
    response = client.post(
        f"/orders/{world.order.id}/dispute",
        data={**FORM, "evidence": (io.BytesIO(png_header(30000, 30000)), "bomb.png")},
        content_type="multipart/form-data",
        headers=headers,
    )
    html = text(response)
    assert response.status_code == 422
    assert "bomb.png: 30000 × 30000 пикселей; фото принимаются размером до 50 мегапикселей." in html  # noqa: RUF001
    assert "are accepted" not in html


class TestLoginLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_LOGIN_PER_ACCOUNT": "3 per 15 minutes"}

    def test_too_many_failed_logins_are_refused_in_russian(self, client, make_user):
        email = make_user(email="target@example.com").email
        for n in range(3):
            assert login(client, email, f"guess {n}").status_code == 400
        client.set_cookie("lang", "ru")
        guessed = login(client, email, "guess 4")
        assert guessed.status_code == 429
        assert (
            "Слишком много неудачных попыток входа в эту учётную запись или из вашей сети. "
            "Подождите 15 мин. и попробуйте снова." in text(guessed)
        )
