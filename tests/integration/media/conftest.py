"""Fixtures for the storage contract suite: a moto S3 server and both backends."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from media.local_disk import STAGING_DIR, LocalDiskStorage
from media.s3 import S3Storage
from media.storage import Storage

REGION = "us-east-1"

# moto keeps objects in the memory of its own process (a completed multipart upload is
# even joined into one bytes object), so the server runs in a child process: the
# tracemalloc figures of the tests then count only the client side.
_SERVER_SCRIPT = """
import sys
from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start moto's S3 server on a free loopback port; stop it at the end of the session."""
    log_path = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    try:
        assert proc.stdout is not None
        port_line = proc.stdout.readline()
        if not port_line.strip().isdigit():
            pytest.fail(f"moto server did not start:\n{log_path.read_text()}")
        yield f"http://127.0.0.1:{int(port_line)}"
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask the server process to stop by closing its stdin; kill it if it lingers."""
    try:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    finally:
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials, and no profile or config file from the developer's machine."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def s3_storage(moto_endpoint: str, aws_env: None) -> Iterator[S3Storage]:
    """An S3Storage on a fresh bucket of the moto server."""
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    storage = S3Storage(bucket, endpoint_url=moto_endpoint, region_name=REGION, create_bucket=True)
    try:
        yield storage
    finally:
        storage.close()


@pytest.fixture
def disk_storage(tmp_path: Path) -> LocalDiskStorage:
    """A LocalDiskStorage in a fresh temporary directory."""
    return LocalDiskStorage(tmp_path / "media")


@pytest.fixture(params=["disk", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Each storage backend in turn, for the contract suite."""
    return request.getfixturevalue(f"{request.param}_storage")


@pytest.fixture
def leftovers(storage: Storage) -> Callable[[], list[str]]:
    """A function listing every file, directory, object or pending upload the backend holds."""

    def everything() -> list[str]:
        if isinstance(storage, LocalDiskStorage):
            paths = storage.root.rglob("*")
            return sorted(str(p.relative_to(storage.root)) for p in paths if p.name != STAGING_DIR)
        assert isinstance(storage, S3Storage)
        client, bucket = storage.client, storage.bucket
        objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return sorted([o["Key"] for o in objects] + [f"upload:{u['Key']}" for u in uploads])

    return everything
