"""Accepting an upload: checked and hashed at once, read later by the worker (``worker``).

The answer is the upload in ``processing`` (or ``duplicate``) before any of it is parsed:
a large file takes seconds to read and its sessions longer to compute, and the client polls
the upload (or the partner is told by a webhook). The content hash is of the decompressed
bytes, so a file and its gzip are the same upload.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from psycopg.rows import class_row
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.rows import fetch_all, fetch_one
from fitconnect.platform.uploads import files
from fitconnect.platform.uploads.errors import (
    UnsupportedFileError,
    UploadNotFoundError,
    UploadTooLargeError,
)
from fitconnect.platform.uploads.models import COLUMNS, Upload, UploadStatus

MAX_EXTERNAL_ID = 200
MAX_FILE_NAME = 200

_SELECT = "SELECT " + COLUMNS + " FROM uploads.uploads"  # noqa: S608 - fixed columns


def _checked_text(name: str, value: str, limit: int) -> str:
    if "\x00" in value or len(value) > limit:
        raise UnsupportedFileError(f"{name} must be at most {limit} characters, without NUL")
    return value


def _inspect(data: bytes) -> tuple[str, str]:
    """(format, SHA-256 of the decompressed content); the checks that need no parsing."""
    if not data:
        raise UnsupportedFileError("the file is empty")
    found = files.file_format(files.head(data))
    return found.value, hashlib.sha256(files.inflate(data)).hexdigest()


class UploadService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def submit(
        self, principal: Principal, file_name: str, data: bytes, external_id: str | None
    ) -> Upload:
        """Accept ``data`` for the worker, or report it as a duplicate of an earlier upload.

        Refused at once: over ``MAX_UPLOAD_BYTES`` or decompressing past its bound
        (``UploadTooLargeError``), empty or not FIT/TCX/GPX (``UnsupportedFileError``).
        """
        if len(data) > files.MAX_UPLOAD_BYTES:
            raise UploadTooLargeError(f"the file is over {files.MAX_UPLOAD_BYTES:,} bytes")
        name = _checked_text("the file name", file_name or "upload", MAX_FILE_NAME)
        if external_id is not None:
            external_id = _checked_text("external_id", external_id, MAX_EXTERNAL_ID) or None
        fmt, digest = await asyncio.to_thread(_inspect, data)
        row = (
            principal.tenant_id,
            principal.account_id,
            name,
            fmt,
            files.is_gzip(data),
            len(data),
            digest,
            external_id,
        )
        async with (
            self._pool.connection() as conn,
            conn.cursor(row_factory=class_row(Upload)) as cur,
        ):
            await cur.execute(
                "INSERT INTO uploads.uploads (tenant_id, athlete_id, file_name, file_format,"  # noqa: S608
                " compressed, size_bytes, content_sha256, external_id, status, content)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'processing', %s)"
                " ON CONFLICT DO NOTHING RETURNING " + COLUMNS,
                (*row, data),
            )
            accepted = await cur.fetchone()
            if accepted is not None:
                return accepted
            # The same content or external id counts already: say so, store nothing.
            await cur.execute(
                "INSERT INTO uploads.uploads (tenant_id, athlete_id, file_name, file_format,"  # noqa: S608
                " compressed, size_bytes, content_sha256, external_id, status, duplicate_of,"
                " finished_at)"
                " SELECT %s, %s, %s, %s, %s, %s, %s, %s, 'duplicate', u.id, now()"
                " FROM uploads.uploads u WHERE u.athlete_id = %s"
                " AND u.status IN ('processing', 'ready')"
                " AND (u.content_sha256 = %s OR u.external_id = %s)"
                " ORDER BY u.created_at LIMIT 1 RETURNING " + COLUMNS,
                (*row, principal.account_id, digest, external_id),
            )
            duplicate = await cur.fetchone()
        if duplicate is None:  # the first one failed meanwhile: it counts no more
            return await self.submit(principal, file_name, data, external_id)
        return duplicate

    async def get(self, principal: Principal, upload_id: uuid.UUID) -> Upload:
        """One of the caller's uploads (``UploadNotFoundError`` for anyone else's)."""
        found = await fetch_one(
            self._pool,
            Upload,
            _SELECT + " WHERE id = %s AND athlete_id = %s AND tenant_id = %s",
            (upload_id, principal.account_id, principal.tenant_id),
        )
        if found is None:
            raise UploadNotFoundError(f"no upload {upload_id}")
        return found

    async def recent(self, principal: Principal, limit: int = 50) -> list[Upload]:
        """The caller's latest uploads, newest first."""
        return await fetch_all(
            self._pool,
            Upload,
            _SELECT + " WHERE athlete_id = %s AND tenant_id = %s ORDER BY created_at DESC LIMIT %s",
            (principal.account_id, principal.tenant_id, limit),
        )

    async def wait(self, principal: Principal, upload_id: uuid.UUID) -> Upload:
        """The upload once it is no longer processing (polling, 0.25 s growing to 2 s)."""
        poll_s = 0.25
        while (upload := await self.get(principal, upload_id)).status == UploadStatus.PROCESSING:
            await asyncio.sleep(poll_s)
            poll_s = min(poll_s * 1.5, 2.0)
        return upload
