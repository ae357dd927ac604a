"""The whole evidence path on S3 (moto's server over HTTP): upload, processing, short-lived links (E3, E4)."""

from __future__ import annotations

import urllib.request
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import REGION
from dispute_world import World, ago
from sqlalchemy import select

from media.s3 import S3Storage
from webapp.core.extensions import db
from webapp.evidence.models import EvidenceItem, ProcessingStatus


@pytest.fixture
def app_config(moto_endpoint: str, aws_env: None) -> dict[str, str]:
    bucket = f"app-{uuid.uuid4().hex[:12]}"
    S3Storage(bucket, endpoint_url=moto_endpoint, region_name=REGION, create_bucket=True).close()
    return {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": moto_endpoint, "S3_REGION": REGION}


def test_e3_on_s3_a_photo_is_processed_and_served_by_five_minute_links_with_forced_headers(
    client, auth, world: World
):
    dispute = world.open(ago(1))  # the buyer's photo goes to S3; the job reads it back from there
    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.dispute_id == dispute.id))
    assert item.status is ProcessingStatus.READY
    auth.login_as(world.seller)
    response = client.get(f"/evidence/{item.uuid}/display")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "private, no-store"
    link = response.headers["Location"]
    query = parse_qs(urlparse(link).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-type"] == ["image/webp"]
    assert query["response-content-disposition"][0].startswith("inline;")
    with urllib.request.urlopen(link, timeout=10) as fetched:
        assert fetched.headers["Content-Type"] == "image/webp" and fetched.read(4) == b"RIFF"
    assert client.get(f"/evidence/{item.uuid}/original").status_code == 403
    auth.login_as(world.buyer)
    original = client.get(f"/evidence/{item.uuid}/original")
    disposition = parse_qs(urlparse(original.headers["Location"]).query)["response-content-disposition"]
    assert disposition[0].startswith("attachment;")
