"""Objects in an S3-compatible bucket (AWS, MinIO); boto3 runs in a thread."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

from fitconnect.platform.storage.store import ObjectNotFoundError, check_key
from fitconnect.settings import ObjectStoreSettings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class S3ObjectStore:
    def __init__(self, settings: ObjectStoreSettings) -> None:
        if settings.bucket is None:
            raise ValueError("an s3 object store needs a bucket")
        self._bucket = settings.bucket
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.region,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=secret,
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self._bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, check_key(key))

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._client.delete_object, Bucket=self._bucket, Key=check_key(key))

    async def download_url(self, key: str, expires_s: int) -> str | None:
        return await asyncio.to_thread(
            self._client.generate_presigned_url,
            "get_object",
            Params={"Bucket": self._bucket, "Key": check_key(key)},
            ExpiresIn=expires_s,
        )

    def _read(self, key: str) -> bytes:
        try:
            found = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectNotFoundError(f"no object {key!r}") from exc
            raise
        return found["Body"].read()
