"""/readyz's storage check: the bucket itself on S3 (moto's server), a writable folder on disk."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from conftest import REGION

from media.s3 import S3Storage
from webapp import create_app


def storage_check(app) -> str:
    return app.test_client().get("/readyz").get_json()["checks"]["storage"]


@pytest.fixture
def s3_app(app, moto_endpoint: str, aws_env: None):
    """The test app's settings, with its evidence in a moto bucket that does not exist yet."""
    bucket = f"ready-{uuid.uuid4().hex[:12]}"
    settings = {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": moto_endpoint, "S3_REGION": REGION}
    return create_app({**app.config, **settings}), bucket


def test_readyz_says_the_storage_fails_while_the_bucket_is_missing_and_ok_once_it_exists(
    s3_app, moto_endpoint: str
):
    on_s3, bucket = s3_app
    assert storage_check(on_s3).startswith("failing:")  # a HEAD for a key would have said "not found"
    S3Storage(bucket, endpoint_url=moto_endpoint, region_name=REGION, create_bucket=True).close()
    assert storage_check(on_s3) == "ok"


def test_readyz_says_the_storage_fails_when_the_media_folder_is_gone(app, tmp_path: Path):
    media = tmp_path / "media-removed"
    on_disk = create_app({**app.config, "MEDIA_ROOT": str(media)})
    assert storage_check(on_disk) == "ok"
    shutil.rmtree(media)  # an unmounted volume, a folder removed by hand
    assert storage_check(on_disk).startswith(f"failing: {media.resolve()} is not a folder")
