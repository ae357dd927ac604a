"""A write-once storage backend on S3 or an S3-compatible server."""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from media.keys import check_key, content_disposition
from media.receiving import Guard, ReceivedFile
from media.scratch import Scratch
from media.storage import (
    Disposition,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoredObject,
    TooLarge,
    check_content_type,
    check_expiry,
    check_max_bytes,
)

PART_SIZE = 8 * 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024
# Parts in flight at once, as boto3's upload_file: each is read from the file as it is sent.
CONCURRENT_PARTS = 10
RECEIVING_DIR = "s3-receiving"
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
# 409 ConditionalRequestConflict: another conditional write to the key is in flight.
_TAKEN = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
_TOKEN_META = "write-token"

CLIENT_CONFIG = Config(
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    s3={"addressing_style": "path"},
    signature_version="s3v4",
    retries={"max_attempts": 5, "mode": "standard"},
)


class S3Storage:
    """Store objects in one S3 bucket: each is received into a local file, then sent in parallel parts."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        client: Any = None,
        create_bucket: bool = False,
        part_size: int = PART_SIZE,
        receiving_dir: str | Path | None = None,
    ) -> None:
        if not bucket:
            raise ValueError("an S3 bucket name is required")
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 parts must be at least {MIN_PART_SIZE} bytes")
        self.bucket = bucket
        self.part_size = part_size
        self._owns_client = client is None
        self.client = client or boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region_name, config=CLIENT_CONFIG
        )
        # Every object this storage writes is written once: the transfer manager's PutObject and
        # CompleteMultipartUpload calls get If-None-Match too (it has no argument for it).
        for operation in ("PutObject", "CompleteMultipartUpload"):
            self.client.meta.events.register(
                f"before-parameter-build.s3.{operation}", _only_if_absent, unique_id=f"write-once-{operation}"
            )
        self._transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=CONCURRENT_PARTS,
            preferred_transfer_client="classic",  # the manager that passes our write-once handlers on
        )
        # Files are received on local disk first; what a killed process left goes at the next start.
        self._receiving = Scratch(Path(receiving_dir or Path(tempfile.gettempdir()) / RECEIVING_DIR))
        self._receiving.remove_abandoned()
        if create_bucket:
            self._create_bucket()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> S3Storage:
        """Build from S3_BUCKET, S3_ENDPOINT_URL, S3_REGION and TMP_DIR; boto3 reads AWS_* itself."""
        tmp_dir = environ.get("TMP_DIR")
        return cls(
            environ.get("S3_BUCKET", ""),
            endpoint_url=environ.get("S3_ENDPOINT_URL") or None,
            region_name=environ.get("S3_REGION") or None,
            receiving_dir=Path(tmp_dir) / RECEIVING_DIR if tmp_dir else None,
        )

    def receive(self, guard: Guard | None = None) -> ReceivedFile:
        """A local file to write an upload into; `put` sends it from there."""
        return ReceivedFile(self._receiving.hold(uuid.uuid4().hex), guard)

    def put(
        self,
        key: str,
        stream: IO[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Upload once: HEAD first, then a conditional write (If-None-Match: *)."""
        check_key(key)
        check_content_type(content_type)
        check_max_bytes(max_bytes)
        if isinstance(stream, ReceivedFile):
            return self._send(key, stream, content_type, max_bytes)
        # Received locally first: memory stays at one chunk, and parts can be sent side by side.
        with self.receive() as received:
            received.copy_from(stream, max_bytes)
            return self._send(key, received, content_type, max_bytes)

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads; the caller closes the returned body."""
        check_key(key)
        with self._errors(key):
            # botocore's StreamingBody: a readable stream that the caller closes.
            body: BinaryIO = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            return body

    def exists(self, key: str) -> bool:
        """Tell whether an object is stored under the key."""
        try:
            self.size(key)
        except ObjectNotFound:
            return False
        return True

    def size(self, key: str) -> int:
        """Return the object's size in bytes."""
        check_key(key)
        with self._errors(key):
            return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])

    def url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        disposition: Disposition,
        expires_in: int = 300,
    ) -> str | None:
        """Presign a GET whose response headers are forced by the server."""
        check_key(key)
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentType": check_content_type(content_type),
            "ResponseContentDisposition": content_disposition(disposition, filename),
        }
        with self._errors(key):
            url: str = self.client.generate_presigned_url(
                "get_object", Params=params, ExpiresIn=check_expiry(expires_in)
            )
            return url

    def discard(self, key: str) -> None:
        """Delete the object (S3 answers a missing key with success too)."""
        check_key(key)
        with self._errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def close(self) -> None:
        """Close the boto3 client if this storage created it."""
        if self._owns_client:
            self.client.close()

    def _send(
        self, key: str, received: ReceivedFile, content_type: str, max_bytes: int | None
    ) -> StoredObject:
        """Send the file in parallel parts (or one PutObject when small); S3 aborts a refused one."""
        if max_bytes is not None and received.size > max_bytes:
            raise TooLarge(max_bytes)
        if self.exists(key):
            raise ObjectExists(key)
        received.finish()
        # A random token in the metadata tells our own write, retried after a lost
        # response, apart from someone else's object under the same key.
        token = secrets.token_hex(16)
        extra = {"ContentType": content_type, "Metadata": {_TOKEN_META: token}}
        with (
            self._errors(key),
            self._write_once(key, token),
            create_transfer_manager(self.client, self._transfer) as manager,
        ):
            # The manager aborts a multipart upload that fails: S3 keeps no parts of it.
            manager.upload(str(received.path), self.bucket, key, extra_args=extra).result()
        return StoredObject(key, received.size, received.sha256, content_type)

    @contextlib.contextmanager
    def _write_once(self, key: str, token: str) -> Iterator[None]:
        """Turn a failed If-None-Match into ObjectExists, unless the object is our own."""
        try:
            yield
        except ClientError as exc:
            if _code(exc) not in _TAKEN:
                raise
            if not self._written_by(key, token):
                raise ObjectExists(key) from None

    def _written_by(self, key: str, token: str) -> bool:
        """Tell whether the object under key carries our write token."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError):
            return False
        stored_token: str | None = head.get("Metadata", {}).get(_TOKEN_META)
        return stored_token == token

    def _create_bucket(self) -> None:
        """Create the bucket unless it already exists."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _code(exc) not in _NOT_FOUND and _code(exc) != "NoSuchBucket":
                raise StorageError(f"cannot use bucket {self.bucket}: {exc}") from exc
        region = self.client.meta.region_name
        extra = (
            {}
            if region in (None, "us-east-1")
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        with self._errors(self.bucket):
            self.client.create_bucket(Bucket=self.bucket, **extra)

    @staticmethod
    @contextlib.contextmanager
    def _errors(key: str) -> Iterator[None]:
        """Turn botocore errors into ObjectNotFound, ObjectExists or StorageError."""
        try:
            yield
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise ObjectNotFound(key) from None
            if _code(exc) in _TAKEN:
                raise ObjectExists(key) from None
            raise StorageError(f"S3 error for {key}: {exc}") from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 error for {key}: {exc}") from exc


def _code(exc: ClientError) -> str:
    """Return the S3 error code, or the HTTP status when the body had none (HEAD)."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "")
    if code.isdigit() or not code:
        return str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", code))
    return code


def _only_if_absent(params: dict[str, Any], **_: Any) -> None:
    """Make a write conditional on the key being free: S3 answers 412 when it is taken."""
    params.setdefault("IfNoneMatch", "*")
