"""A write-once storage backend on S3 or an S3-compatible server."""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from typing import IO, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from media.hashing import HashingReader, copy_stream
from media.keys import check_key, content_disposition
from media.storage import (
    Disposition,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoredObject,
    check_content_type,
    check_expiry,
    check_max_bytes,
)

PART_SIZE = 8 * 1024 * 1024
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PARTS = 10_000
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
    """Store objects in one S3 bucket, streaming uploads part by part."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        client: Any = None,
        create_bucket: bool = False,
        part_size: int = PART_SIZE,
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
        if create_bucket:
            self._create_bucket()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> S3Storage:
        """Build from S3_BUCKET, S3_ENDPOINT_URL and S3_REGION; boto3 reads AWS_* itself."""
        return cls(
            environ.get("S3_BUCKET", ""),
            endpoint_url=environ.get("S3_ENDPOINT_URL") or None,
            region_name=environ.get("S3_REGION") or None,
        )

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
        reader = HashingReader(stream, max_bytes=check_max_bytes(max_bytes))
        if self.exists(key):
            raise ObjectExists(key)
        part_size = self.part_size
        if max_bytes is not None:
            part_size = max(part_size, -(-max_bytes // MAX_PARTS))
        # A random token in the metadata tells our own write, retried after a lost
        # response, apart from someone else's object under the same key.
        token = secrets.token_hex(16)
        # Each part is spooled to a temporary file: memory stays at one chunk, and
        # botocore can still rewind the body to sign it and to retry.
        with tempfile.TemporaryFile() as spool:
            if _fill(reader, spool, part_size) < part_size:
                self._put_single(key, spool, content_type, token)
            else:
                self._put_multipart(key, reader, spool, part_size, content_type, token)
        return StoredObject(key, reader.size, reader.hexdigest(), content_type)

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

    def _put_single(self, key: str, body: IO[bytes], content_type: str, token: str) -> None:
        """Send the spooled bytes as one conditional PutObject."""
        body.seek(0)
        with self._errors(key), self._write_once(key, token):
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata={_TOKEN_META: token},
                IfNoneMatch="*",
            )

    def _put_multipart(
        self,
        key: str,
        reader: HashingReader,
        spool: IO[bytes],
        part_size: int,
        content_type: str,
        token: str,
    ) -> None:
        """Upload part by part, then complete conditionally; abort on any failure."""
        with self._errors(key):
            upload_id = self.client.create_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                ContentType=content_type,
                Metadata={_TOKEN_META: token},
            )["UploadId"]
        try:
            parts: list[dict[str, Any]] = []
            while True:
                if len(parts) == MAX_PARTS:
                    raise StorageError(f"upload exceeds {MAX_PARTS} parts: {key}")
                spool.seek(0)
                with self._errors(key):
                    etag = self.client.upload_part(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=len(parts) + 1,
                        Body=spool,
                    )["ETag"]
                parts.append({"PartNumber": len(parts) + 1, "ETag": etag})
                if _fill(reader, spool, part_size) == 0:
                    break
            with self._errors(key), self._write_once(key, token):
                self.client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                    IfNoneMatch="*",
                )
        except BaseException:
            # Covers TooLarge and ObjectExists too: S3 keeps the parts of a refused
            # upload until it is aborted.
            with contextlib.suppress(BotoCoreError, ClientError):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

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


def _fill(reader: HashingReader, spool: IO[bytes], part_size: int) -> int:
    """Replace the spool's content with the next part_size bytes; return how many."""
    spool.seek(0)
    spool.truncate()
    count = copy_stream(reader, spool, part_size)
    spool.flush()
    return count
