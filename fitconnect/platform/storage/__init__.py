"""The object store for media: a local folder by default, an S3-compatible bucket when set."""

from __future__ import annotations

from pathlib import Path

from fitconnect.platform.storage.local import LocalObjectStore
from fitconnect.platform.storage.store import ObjectNotFoundError, ObjectStore
from fitconnect.settings import ObjectStoreSettings

__all__ = ["LocalObjectStore", "ObjectNotFoundError", "ObjectStore", "open_object_store"]


def open_object_store(settings: ObjectStoreSettings, data_dir: Path) -> ObjectStore:
    """The store the settings name (connects lazily: nothing is opened here)."""
    if settings.kind == "s3":
        # boto3 is the optional ``s3`` extra: import it only when it is asked for.
        from fitconnect.platform.storage.s3 import S3ObjectStore  # noqa: PLC0415

        return S3ObjectStore(settings)
    return LocalObjectStore(settings.root or data_dir / "objects")
