"""What an upload is, as the API shows it."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final


class FileFormat(enum.StrEnum):
    FIT = "fit"
    TCX = "tcx"
    GPX = "gpx"


class UploadStatus(enum.StrEnum):
    PROCESSING = "processing"
    """Accepted; the worker has not finished reading it."""
    READY = "ready"
    """Its samples are stored and its sessions computed."""
    ERROR = "error"
    """It could not be read (``error_code``, ``error_message``); nothing of it was stored."""
    DUPLICATE = "duplicate"
    """The same content or external id as an earlier upload (``duplicate_of``): not stored."""


@dataclass(frozen=True, slots=True)
class Upload:
    id: uuid.UUID
    athlete_id: uuid.UUID
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


COLUMNS: Final = (
    "id, athlete_id, file_name, file_format, compressed, size_bytes, content_sha256,"
    " external_id, status, duplicate_of, samples, session_ids, error_code, error_message,"
    " created_at, finished_at"
)
