"""/readyz's storage check: the bucket itself on S3 (moto's server), a writable folder on disk."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REGION
from flask import Flask

from media.s3 import S3Storage
from webapp import create_app
from webapp.core.extensions import db


def storage_check(app) -> str:
    return app.test_client().get("/readyz").get_json()["checks"]["storage"]


@pytest.fixture
def another_app(app) -> Iterator[Callable[..., Flask]]:
    """Apps with the test app's settings and a few of their own; their connections closed at the end
    (a pool left to the garbage collector closes them in the middle of some later test)."""
    made: list[Flask] = []

    def _make(**settings: Any) -> Flask:
        made.append(create_app({**app.config, **settings}))
        return made[-1]

    yield _make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def s3_app(another_app, moto_endpoint: str, aws_env: None):
    """The test app's settings, with its evidence in a moto bucket that does not exist yet."""
    bucket = f"ready-{uuid.uuid4().hex[:12]}"
    return another_app(S3_BUCKET=bucket, S3_ENDPOINT_URL=moto_endpoint, S3_REGION=REGION), bucket


def test_readyz_says_the_storage_fails_while_the_bucket_is_missing_and_ok_once_it_exists(
    s3_app, moto_endpoint: str
):
    on_s3, bucket = s3_app
    assert storage_check(on_s3).startswith("failing:")  # a HEAD for a key would have said "not found"
    S3Storage(bucket, endpoint_url=moto_endpoint, region_name=REGION, create_bucket=True).close()
    assert storage_check(on_s3) == "ok"


def test_readyz_says_the_storage_fails_when_the_media_folder_is_gone(another_app, tmp_path: Path):
    media = tmp_path / "media-removed"
    on_disk = another_app(MEDIA_ROOT=str(media))
    assert storage_check(on_disk) == "ok"
    shutil.rmtree(media)  # an unmounted volume, a folder removed by hand
    assert storage_check(on_disk).startswith(f"failing: {media.resolve()} is not a folder")
