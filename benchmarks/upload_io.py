"""A large video upload through the running app, on local disk and on S3, each beside its floor.

Run: .venv/bin/python -m benchmarks.upload_io (or call `run()`, which returns the table's rows).

- Disk: the app (login, rules, sniff, ffprobe of the header, SHA-256, the row, the link into place)
  against a bare WSGI receiver that writes the same request body to the same disk and fsyncs it.
  Both are served by the same threaded Werkzeug server in this process and fed by the same client.
- S3 (moto's server, in a child process as in the tests): the app against boto3's `upload_file`
  (its transfer manager, default settings, our client settings) sending the same file from this
  process's page cache; ours also receives the body over HTTP first.

The sample is a real 1-second H.264 clip followed by a `free` atom of random bytes (valid MP4 that
ffprobe skips), so the probe and the processing stay cheap and the bytes dominate. Processing runs
in the app's own pool between rounds, never during one. Ratios are ours / baseline: 1.25 or less
is "at least 0.8x the baseline's speed". Peak RSS growth of this process during our upload is
in the note.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from media.s3 import CLIENT_CONFIG
from media.tools import ffmpeg_path
from webapp import create_app
from webapp.accounts.models import Role, User
from webapp.core.extensions import db
from webapp.disputes.opening import open_dispute
from webapp.evidence.models import EvidenceItem, ProcessingStatus
from webapp.marketplaces.models import demo_marketplace
from webapp.orders.models import Order

MiB = 1024 * 1024
DISK_BYTES, DISK_ROUNDS = 400 * MiB, 3
S3_BYTES, S3_ROUNDS = 48 * MiB, 3  # moto takes in about 25 MB/s here: the S3 line is the longest
TARGET = 1.25  # ours / baseline: at least 0.8x the baseline's speed
BOUNDARY = "benchmarkboundary"
CHUNK = MiB
REGION = "us-east-1"
MOTO_SERVER = """
import sys
from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


def run() -> list[dict[str, Any]]:
    """One row per line: {line, ours_s, baseline_s, ratio, note}."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp, _dummy_aws_credentials():
        folder = Path(tmp)
        clip = _clip(folder)
        rows = [_disk_line(folder / "disk", clip)]
        with _moto_server() as endpoint:
            rows.append(_s3_line(folder / "s3", clip, endpoint))
    return rows


def _disk_line(folder: Path, clip: bytes) -> dict[str, Any]:
    sample = Sample(folder, clip, DISK_BYTES)
    app = _app(folder, {})
    bare_folder = folder / "media" / "bare"
    bare_folder.mkdir(parents=True)
    ours, bare, peaks = [], [], []
    with _serving(app) as app_port, _serving(_bare_receiver(bare_folder)) as bare_port:
        upload = Uploader(app, app_port, sample)
        for round_ in range(DISK_ROUNDS):
            for which in ("ours", "bare") if round_ % 2 == 0 else ("bare", "ours"):
                sample.vary(round_)
                if which == "ours":
                    took, peak = upload.send(check=round_ == 0)
                    ours.append(took)
                    peaks.append(peak)
                else:
                    bare.append(_post(bare_port, "/", sample.body, sample.content_type, "")[1])
                    for leftover in bare_folder.iterdir():
                        leftover.unlink()
                upload.wait_for_processing()
    return _row(
        f"upload {DISK_BYTES // MiB} MiB video, local disk",
        ours,
        bare,
        f"baseline: bare WSGI receiver, write + fsync, same server and client; median of {DISK_ROUNDS}; "
        f"peak RSS +{max(peaks) / MiB:.0f} MiB during ours",
    )


def _s3_line(folder: Path, clip: bytes, endpoint: str) -> dict[str, Any]:
    sample = Sample(folder, clip, S3_BYTES)
    bucket = f"bench-{uuid.uuid4().hex[:12]}"
    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name=REGION, config=CLIENT_CONFIG
    )
    client.create_bucket(Bucket=bucket)
    app = _app(folder, {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_REGION": REGION})
    ours, boto, peaks = [], [], []
    video = folder / "video.mp4"
    with _serving(app) as app_port:
        upload = Uploader(app, app_port, sample)
        for round_ in range(S3_ROUNDS):
            for which in ("ours", "boto3") if round_ % 2 == 0 else ("boto3", "ours"):
                sample.vary(round_)
                if which == "ours":
                    took, peak = upload.send(check=round_ == 0)
                    ours.append(took)
                    peaks.append(peak)
                    upload.wait_for_processing()
                else:
                    sample.write_video(video)
                    key = f"baseline/{uuid.uuid4().hex}"
                    started = time.perf_counter()
                    client.upload_file(str(video), bucket, key, Config=TransferConfig())
                    boto.append(time.perf_counter() - started)
                    client.delete_object(Bucket=bucket, Key=key)
    client.close()
    return _row(
        f"upload {S3_BYTES // MiB} MiB video, S3 (moto server)",
        ours,
        boto,
        "baseline: boto3 upload_file of the same file (transfer manager, 8 MiB parts, 10 threads); "
        f"median of {S3_ROUNDS}; peak RSS +{max(peaks) / MiB:.0f} MiB during ours",
    )


def _row(line: str, ours: list[float], baseline: list[float], note: str) -> dict[str, Any]:
    ours_s, baseline_s = statistics.median(ours), statistics.median(baseline)
    ratio = ours_s / baseline_s
    verdict = "met" if ratio <= TARGET else f"missed by {ratio / TARGET - 1:.0%}"
    return {
        "line": line,
        "ours_s": round(ours_s, 3),
        "baseline_s": round(baseline_s, 3),
        "ratio": round(ratio, 2),
        "note": f"{note}; target <= {TARGET} ({verdict})",
    }


class Sample:
    """The multipart body of one upload, on disk; `vary` changes its last bytes so no two rounds match."""

    def __init__(self, folder: Path, clip: bytes, size: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.body = folder / "body.bin"
        self.content_type = f"multipart/form-data; boundary={BOUNDARY}"
        prefix = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; filename="unboxing.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        suffix = f"\r\n--{BOUNDARY}--\r\n".encode()
        filler = size - len(clip) - 16
        block = os.urandom(CHUNK)
        with self.body.open("wb") as out:
            out.write(prefix + clip + struct.pack(">I4sQ", 1, b"free", 16 + filler))
            for start in range(0, filler, CHUNK):
                out.write(block[: min(CHUNK, filler - start)])
            out.write(suffix)
        self._video = (len(prefix), len(prefix) + size)
        self._marker = len(prefix) + size - 8

    def vary(self, round_: int) -> None:
        """Make this round's video differ from every other (the same file twice is refused, E1)."""
        with self.body.open("r+b") as out:
            out.seek(self._marker)
            out.write(struct.pack(">Q", time.time_ns() + round_))

    def video_sha256(self) -> str:
        """The SHA-256 of the video the body carries now."""
        digest = hashlib.sha256()
        with self.body.open("rb") as body:
            body.seek(self._video[0])
            left = self._video[1] - self._video[0]
            while left and (chunk := body.read(min(CHUNK, left))):
                digest.update(chunk)
                left -= len(chunk)
        return digest.hexdigest()

    def write_video(self, path: Path) -> None:
        """The video alone, as a file (boto3's input)."""
        with self.body.open("rb") as body, path.open("wb") as out:
            body.seek(self._video[0])
            left = self._video[1] - self._video[0]
            while left and (chunk := body.read(min(CHUNK, left))):
                out.write(chunk)
                left -= len(chunk)


class Uploader:
    """The buyer of one open dispute, posting the sample to the evidence locker over HTTP."""

    def __init__(self, app: Flask, port: int, sample: Sample) -> None:
        self.app, self.port, self.sample = app, port, sample
        self.dispute_id = _open_dispute(app)
        client = app.test_client()
        client.post("/login", data={"email": "buyer@example.com", "password": "benchmark"})
        session = client.get_cookie("session")
        assert session is not None, "the benchmark's buyer could not log in"
        self.cookie = f"session={session.value}"

    def send(self, *, check: bool) -> tuple[float, int]:
        """Seconds from the first byte sent to the answer, and the peak RSS growth meanwhile."""
        with _peak_rss_growth() as peak:
            status, took = _post(
                self.port,
                f"/disputes/{self.dispute_id}/evidence",
                self.sample.body,
                self.sample.content_type,
                self.cookie,
            )
        assert status == 303, f"the upload was answered {status}"
        if check:
            with self.app.app_context():
                item = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id.desc())).first()
                assert item is not None and item.sha256 == self.sample.video_sha256(), "wrong hash stored"
        return took, peak()

    def wait_for_processing(self, timeout: float = 300) -> None:
        """Until every item is ready or failed: processing never overlaps a measured upload."""
        done = {ProcessingStatus.READY, ProcessingStatus.FAILED}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.app.app_context():
                statuses = set(db.session.scalars(select(EvidenceItem.status)))
            if statuses <= done:
                return
            time.sleep(0.05)
        raise TimeoutError("evidence processing did not end")


def _post(port: int, path: str, body: Path, content_type: str, cookie: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300, blocksize=CHUNK)
    headers = {"Content-Type": content_type, "Content-Length": str(body.stat().st_size)}
    if cookie:
        headers["Cookie"] = cookie
    try:
        with body.open("rb") as stream:
            started = time.perf_counter()
            connection.request("POST", path, body=stream, headers=headers)
            response = connection.getresponse()
            response.read()
            took = time.perf_counter() - started
        return response.status, took
    finally:
        connection.close()


def _bare_receiver(folder: Path) -> Callable[..., list[bytes]]:
    """The floor: read the request body, write it to a file, fsync it, answer 204."""

    def receive(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        stream, left = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0)
        with (folder / uuid.uuid4().hex).open("xb") as out:
            while left > 0 and (chunk := stream.read(min(CHUNK, left))):
                out.write(chunk)
                left -= len(chunk)
            out.flush()
            os.fsync(out.fileno())
        start_response("204 No Content", [])
        return [b""]

    return receive


@contextlib.contextmanager
def _serving(wsgi_app: Callable[..., Any]) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join()


@contextlib.contextmanager
def _peak_rss_growth(every: float = 0.01) -> Iterator[Callable[[], int]]:
    """The highest resident set size above the starting one, sampled while the block runs."""
    page = os.sysconf("SC_PAGE_SIZE")

    def rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * page

    start, peak, stop = rss(), [0], threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            peak[0] = max(peak[0], rss() - start)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield lambda: peak[0]
    finally:
        stop.set()
        sampler.join()


def _app(folder: Path, extra: dict[str, str]) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "TMP_DIR": str(folder / "tmp"),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "JOBS": "inline",
            **extra,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _open_dispute(app: Flask) -> int:
    with app.app_context():
        market = demo_marketplace().id
        buyer = User(marketplace_id=market, email="buyer@example.com", name="Buyer", role=Role.BUYER)
        seller = User(marketplace_id=market, email="seller@example.com", name="Seller", role=Role.SELLER)
        for user in (buyer, seller):
            user.set_password("benchmark")
            db.session.add(user)
        db.session.flush()
        now = datetime.now(UTC)
        order = Order(
            marketplace_id=market,
            number="UPLOAD-1",
            buyer_id=buyer.id,
            seller_id=seller.id,
            item_title="Lamp",
            item_price=Decimal("40.00"),
            shipping_cost=Decimal("5.00"),
            currency="USD",
            paid_at=now - timedelta(days=30),
            dispatched_at=now - timedelta(days=28),
            protection_ends_at=now + timedelta(days=10),
            policy="aliexpress",
        )
        db.session.add(order)
        db.session.flush()
        form = {
            "received": "no",
            "reason": "no_tracking",
            "resolution": "refund_only",
            "amount": "10",
            "description": "Never came",
        }
        dispute_id = open_dispute(buyer, order.id, form, now=now).id
        db.session.commit()
        return dispute_id


def _clip(folder: Path) -> bytes:
    """A real one-second clip, its index first (+faststart) so the free atom after it is skipped."""
    out = folder / "clip.mp4"
    subprocess.run(
        [
            ffmpeg_path(), "-v", "error", "-y", "-nostdin",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=1",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", str(out),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return out.read_bytes()


@contextlib.contextmanager
def _moto_server() -> Iterator[str]:
    with subprocess.Popen(
        [sys.executable, "-c", MOTO_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as server:
        assert server.stdin is not None and server.stdout is not None
        try:
            yield f"http://127.0.0.1:{int(server.stdout.readline())}"
        finally:
            server.stdin.close()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def _dummy_aws_credentials() -> Iterator[None]:
    """moto accepts any key; never let a developer's real AWS profile near the benchmark."""
    names = {
        "AWS_ACCESS_KEY_ID": "benchmark",
        "AWS_SECRET_ACCESS_KEY": "benchmark",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    dropped = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL")
    saved = {name: os.environ.get(name) for name in [*names, *dropped]}
    os.environ.update(names)
    for name in dropped:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    """Print the table."""
    for row in run():
        print(
            f"{row['line']}: ours {row['ours_s']:.2f} s, baseline {row['baseline_s']:.2f} s, "
            f"{row['ratio']:.2f}x  ({row['note']})"
        )


if __name__ == "__main__":
    main()
