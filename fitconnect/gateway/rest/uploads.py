"""Activity uploads: send a FIT, TCX or GPX file (multipart), follow what became of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep, slot_fields
from fitconnect.gateway.rest.etag import ETagRoute
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.uploads.files import MAX_UPLOAD_BYTES
from fitconnect.platform.uploads.models import FileFormat, UploadStatus

router = APIRouter(prefix="/api/v1", responses=COMMON, route_class=ETagRoute, tags=["uploads"])


class UploadOut(BaseModel):
    id: uuid.UUID
    file_name: str
    file_format: FileFormat
    compressed: bool
    size_bytes: int
    content_sha256: str
    external_id: str | None
    status: UploadStatus
    duplicate_of: uuid.UUID | None
    samples: int | None
    session_ids: list[uuid.UUID]
    error_code: str | None
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None


@router.post("/uploads", status_code=202, responses=errors(413))
async def upload_activity(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    file: Annotated[
        UploadFile,
        File(description=f"A FIT, TCX or GPX file, plain or gzip; at most {MAX_UPLOAD_BYTES:,} B"),
    ],
    external_id: Annotated[
        str | None, Form(description="The sender's own id: a second upload with it is a duplicate")
    ] = None,
) -> UploadOut:
    """Accept a file at once (status ``processing``, or ``duplicate`` of an earlier upload of
    the same content or external id); poll ``GET /uploads/{id}`` until ``ready`` (its
    sessions) or ``error`` (why)."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    upload = await svc.uploads.submit(principal, file.filename or "upload", data, external_id)
    return UploadOut.model_validate(slot_fields(upload))


@router.get("/uploads/{upload_id}", responses=errors(404))
async def get_upload(
    upload_id: uuid.UUID, principal: CurrentPrincipal, svc: ServicesDep
) -> UploadOut:
    return UploadOut.model_validate(slot_fields(await svc.uploads.get(principal, upload_id)))
