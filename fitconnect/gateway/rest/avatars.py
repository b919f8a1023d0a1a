"""REST for avatars: upload the caller's (raw image body), fetch anyone's, remove the caller's."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from fitconnect.gateway.rest.dependencies import CurrentPrincipal, ServicesDep
from fitconnect.gateway.rest.responses import COMMON, errors
from fitconnect.platform.users.avatars import MAX_AVATAR_BYTES, AvatarImage

router = APIRouter(prefix="/api/v1", tags=["avatars"], responses=COMMON)

_IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("image/png", "image/jpeg", "image/webp")
        },
    }
}


_IMAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The image (ETag: its SHA-256)",
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("image/png", "image/jpeg", "image/webp")
        },
    },
    304: {"description": "Unchanged since the If-None-Match ETag"},
    307: {"description": "The image's presigned URL in the S3 object store (Location)"},
    **errors(404),
}


class AvatarOut(BaseModel):
    avatar_url: str


@router.put("/me/avatar", openapi_extra=_IMAGE_BODY)
async def upload_avatar(
    request: Request, principal: CurrentPrincipal, svc: ServicesDep
) -> AvatarOut:
    """Replace the caller's avatar with the body: a PNG, JPEG or WebP image of at most 2 MB."""
    data = await _read_at_most(request, MAX_AVATAR_BYTES + 1)
    url = await svc.avatars.replace(principal, data, request.headers.get("content-type"))
    return AvatarOut(avatar_url=url)


@router.get("/me/avatar", responses=_IMAGE, response_class=Response)
async def my_avatar(
    principal: CurrentPrincipal,
    svc: ServicesDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    return _send(await svc.avatars.image(principal.account_id), if_none_match)


@router.get("/avatars/{account_id}", responses=_IMAGE, response_class=Response)
async def avatar(
    account_id: uuid.UUID,
    svc: ServicesDep,
    if_none_match: Annotated[str | None, Header()] = None,
    v: Annotated[  # noqa: ARG001 - read by caches, not by the route
        str | None, Query(description="The image's version, which avatar URLs carry")
    ] = None,
) -> Response:
    """Anyone's avatar, without a token (image tags send none), as profiles link to it."""
    return _send(await svc.avatars.image(account_id), if_none_match)


@router.delete("/me/avatar", status_code=204, responses=errors(404))
async def remove_avatar(principal: CurrentPrincipal, svc: ServicesDep) -> None:
    await svc.avatars.remove(principal)


async def _read_at_most(request: Request, limit: int) -> bytes:
    """The body, cut at ``limit`` bytes: enough to tell that it is too large."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def _send(image: AvatarImage, if_none_match: str | None) -> Response:
    if image.redirect_to is not None:
        return RedirectResponse(image.redirect_to, status_code=307)
    etag = f'"{image.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    return Response(image.data, media_type=image.content_type, headers=headers)
