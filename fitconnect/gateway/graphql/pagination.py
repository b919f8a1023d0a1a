"""Relay connections over the services' keyset pages: ``first``/``after``, ``last``/``before``,
opaque cursors (the item's unique sort key, base64-encoded), ``edges`` and ``pageInfo``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import msgspec
import strawberry
from strawberry import relay

from fitconnect.gateway.errors import InvalidCursorError
from fitconnect.platform.db.pages import Page, PageRequest

Item = TypeVar("Item")
NodeT = TypeVar("NodeT")

DEFAULT_PAGE = 20


@strawberry.type(description="An item of a list, with the cursor of its place.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque: pass it as `after` or `before`.")
    node: NodeT


@strawberry.type(description="A page of a list: its edges, and whether more follow.")
class Connection(Generic[NodeT]):
    page_info: relay.PageInfo
    edges: list[Edge[NodeT]]


def page_request(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    key: Sequence[Callable[[str], Any]],
) -> PageRequest:
    """The page the Relay arguments ask for; ``key`` parses each part of a cursor."""
    if first is not None and last is not None:
        raise InvalidCursorError("ask for first or last, not both")
    return PageRequest(
        size=last if last is not None else first if first is not None else DEFAULT_PAGE,
        after=_decode(after, key) if after else None,
        before=_decode(before, key) if before else None,
        backward=last is not None,
    )


def connection(
    page: Page[Item], node: Callable[[Item], NodeT], key: Callable[[Item], Sequence[object]]
) -> Connection[NodeT]:
    """The connection of a page: each item's node, its cursor from its sort key."""
    edges = [Edge(cursor=_encode(key(item)), node=node(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def _encode(key: Sequence[object]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode([str(k) for k in key])).decode()


def _decode(cursor: str, key: Sequence[Callable[[str], Any]]) -> tuple[Any, ...]:
    refused = InvalidCursorError(f"{cursor!r} is not a cursor of this list")
    try:
        parts = msgspec.json.decode(base64.urlsafe_b64decode(cursor), type=list[str])
        parsed = tuple(parse(part) for parse, part in zip(key, parts, strict=False))
    except (ValueError, binascii.Error, msgspec.DecodeError) as exc:
        raise refused from exc
    if len(parsed) != len(key) or len(parts) != len(key):
        raise refused
    return parsed
