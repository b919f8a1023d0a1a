"""Objects as files under one folder (the default; one machine, or a shared volume)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from fitconnect.platform.storage.store import ObjectNotFoundError, check_key


class LocalObjectStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    async def put(self, key: str, data: bytes, content_type: str) -> None:  # noqa: ARG002 - ObjectStore.put; a file keeps no content type
        await asyncio.to_thread(self._write, self._path(key), data)

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError as exc:
            raise ObjectNotFoundError(f"no object {key!r}") from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def download_url(self, key: str, expires_s: int) -> str | None:  # noqa: ARG002 - ObjectStore's signature
        """None: a local file has no URL of its own; the gateway serves it through ``get``."""
        return None

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write beside the target, then rename: readers see the old or the new, never half."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
