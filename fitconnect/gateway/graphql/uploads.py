"""Activity uploads: ``uploadActivity`` (a GraphQL multipart request) and ``upload``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self, cast

import strawberry
from starlette.datastructures import UploadFile as StarletteUpload
from strawberry.file_uploads import Upload

from fitconnect.gateway.graphql.context import Info
from fitconnect.platform.uploads import models as domain
from fitconnect.platform.uploads.files import MAX_UPLOAD_BYTES
from fitconnect.platform.uploads.models import FileFormat, UploadStatus

UploadId = Annotated[uuid.UUID, strawberry.argument(name="id", description="The upload's id.")]


@strawberry.type(description="An uploaded activity file and what became of it.")
class ActivityUpload:
    id: uuid.UUID
    file_name: str
    file_format: FileFormat
    compressed: bool
    size_bytes: int
    content_sha256: str
    external_id: str | None
    status: UploadStatus
    duplicate_of: uuid.UUID | None = strawberry.field(
        description="Once the status is DUPLICATE: the upload of the same content or external id."
    )
    samples: int | None = strawberry.field(description="Samples stored, once READY.")
    session_ids: list[uuid.UUID] = strawberry.field(
        description="The sessions the file's time span touched, once READY."
    )
    error_code: str | None = strawberry.field(
        description="Once ERROR: CORRUPT_FILE, NO_POINTS, TOO_LARGE, FUTURE_TIMESTAMP,"
        " UNSTORABLE or WORKER_FAILED."
    )
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_domain(cls, upload: domain.Upload) -> Self:
        return cls(
            id=upload.id,
            file_name=upload.file_name,
            file_format=FileFormat(upload.file_format),
            compressed=upload.compressed,
            size_bytes=upload.size_bytes,
            content_sha256=upload.content_sha256,
            external_id=upload.external_id,
            status=UploadStatus(upload.status),
            duplicate_of=upload.duplicate_of,
            samples=upload.samples,
            session_ids=list(upload.session_ids),
            error_code=upload.error_code,
            error_message=upload.error_message,
            created_at=upload.created_at,
            finished_at=upload.finished_at,
        )


@strawberry.type
class UploadsQuery:
    @strawberry.field(description="One of the caller's uploads.")
    async def upload(self, info: Info, upload_id: UploadId) -> ActivityUpload:
        ctx = info.context
        return ActivityUpload.from_domain(
            await ctx.services.uploads.get(ctx.principal(), upload_id)
        )


@strawberry.type
class UploadsMutation:
    @strawberry.mutation(
        description="Upload a FIT, TCX or GPX file (plain or gzip, at most"
        f" {MAX_UPLOAD_BYTES:,} bytes) as a GraphQL multipart request; it returns at once:"
        " poll `upload(id)` until READY or ERROR."
    )
    async def upload_activity(
        self, info: Info, file: Upload, external_id: str | None = None
    ) -> ActivityUpload:
        ctx = info.context
        received = cast(StarletteUpload, file)  # what strawberry hands a FastAPI resolver
        try:
            data = await received.read(MAX_UPLOAD_BYTES + 1)
        finally:
            await received.close()  # its spooled temporary file, at once
        name = received.filename or "upload"
        upload = await ctx.services.uploads.submit(ctx.principal(), name, data, external_id)
        return ActivityUpload.from_domain(upload)
