"""What every object store does, and the keys it accepts."""

from __future__ import annotations

import re
from typing import Protocol

from fitconnect.errors import FitConnectError

_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")


class ObjectNotFoundError(FitConnectError):
    """No object under this key."""


class ObjectStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there."""

    async def get(self, key: str) -> bytes:
        """The object's bytes; ``ObjectNotFoundError`` when there is none."""

    async def delete(self, key: str) -> None:
        """Remove the object (a missing one is not an error)."""

    async def download_url(self, key: str, expires_s: int) -> str | None:
        """A URL clients fetch the object from directly; None: serve it through ``get``."""


def check_key(key: str) -> str:
    """``key`` when it is relative, '/'-separated, without empty, '.' or '..' parts."""
    if not _KEY.match(key):
        raise ValueError(f"invalid object key {key!r}")
    return key
