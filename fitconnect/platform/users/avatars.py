"""Avatars: checked by their first bytes, stored content-addressed, one per account."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.auth.repository import replace_avatar_key
from fitconnect.platform.storage import ObjectNotFoundError, ObjectStore
from fitconnect.platform.users.errors import AvatarTooLargeError, InvalidAvatarError, NoAvatarError

MAX_AVATAR_BYTES = 2 * 1024 * 1024
_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True, slots=True)
class AvatarImage:
    """An avatar to send: its bytes, or (``redirect_to``) a URL the store serves it from."""

    content_type: str
    sha256: str
    data: bytes = b""
    redirect_to: str | None = None


def image_extension(data: bytes) -> str | None:
    """``png``, ``jpg`` or ``webp`` from the file's magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def avatar_url(base_url: str, account_id: uuid.UUID, key: str) -> str:
    """Where clients fetch the avatar; the digest in the query changes with the image."""
    return f"{base_url}/{account_id}?v={_digest(key)[:16]}"


class AvatarService:
    def __init__(
        self, pool: AsyncConnectionPool, store: ObjectStore, base_url: str, url_ttl_s: int = 300
    ) -> None:
        self._pool = pool
        self._store = store
        self._base_url = base_url
        self._url_ttl_s = url_ttl_s

    async def replace(self, principal: Principal, data: bytes, declared_type: str | None) -> str:
        """Store a new avatar for the caller, drop the previous one; return its URL."""
        if len(data) > MAX_AVATAR_BYTES:
            raise AvatarTooLargeError(f"an avatar has at most {MAX_AVATAR_BYTES} bytes")
        ext = image_extension(data)
        if ext is None:
            raise InvalidAvatarError("an avatar is a PNG, JPEG or WebP image")
        content_type = _CONTENT_TYPES[ext]
        declared = (declared_type or content_type).split(";")[0].strip().lower()
        if declared != content_type:
            raise InvalidAvatarError(f"the image is {content_type}, not {declared}")
        account_id = principal.account_id
        key = f"avatars/{account_id}/{hashlib.sha256(data).hexdigest()}.{ext}"
        # The object first: a row never names a missing object (a failure leaves an orphan).
        await self._store.put(key, data, content_type)
        previous = await self._set_key(account_id, key)
        if previous not in (None, key):
            await self._store.delete(previous)
        return avatar_url(self._base_url, account_id, key)

    async def remove(self, principal: Principal) -> None:
        previous = await self._set_key(principal.account_id, None)
        if previous is not None:
            await self._store.delete(previous)

    async def image(self, account_id: uuid.UUID) -> AvatarImage:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT avatar_key FROM users.accounts WHERE id = %s AND deleted_at IS NULL",
                (account_id,),
            )
            row = await cur.fetchone()
        key = row[0] if row else None  # a deleted account's avatar is gone with it
        if not isinstance(key, str):
            raise NoAvatarError(f"account {account_id} has no avatar")
        content_type = _CONTENT_TYPES[key.rsplit(".", 1)[1]]
        url = await self._store.download_url(key, self._url_ttl_s)
        if url is not None:
            return AvatarImage(content_type, _digest(key), redirect_to=url)
        try:
            data = await self._store.get(key)
        except ObjectNotFoundError as exc:
            raise NoAvatarError(f"account {account_id} has no avatar") from exc
        return AvatarImage(content_type, _digest(key), data=data)

    async def _set_key(self, account_id: uuid.UUID, key: str | None) -> str | None:
        """Set the account's avatar key; the one it replaces."""
        async with self._pool.connection() as conn:
            try:
                return await replace_avatar_key(conn, account_id, key)
            except LookupError as exc:
                raise NoAvatarError(str(exc)) from exc


def _digest(key: str) -> str:
    return key.rsplit("/", 1)[1].split(".", maxsplit=1)[0]
