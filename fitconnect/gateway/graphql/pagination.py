"""Relay connections over the services' keyset pages: ``first``/``after``, ``last``/``before``,
opaque cursors (the item's unique sort key, base64-encoded), ``edges`` and ``pageInfo``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from fitconnect.gateway.cursors import encode_cursor
from fitconnect.platform.db.pages import Page

Item = TypeVar("Item")
NodeT = TypeVar("NodeT")


@strawberry.type(description="An item of a list, with the cursor of its place.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque: pass it as `after` or `before`.")
    node: NodeT


@strawberry.type(description="A page of a list: its edges, and whether more follow.")
class Connection(Generic[NodeT]):
    page_info: relay.PageInfo
    edges: list[Edge[NodeT]]


def connection(
    page: Page[Item], node: Callable[[Item], NodeT], key: Callable[[Item], Sequence[object]]
) -> Connection[NodeT]:
    """The connection of a page: each item's node, its cursor from its sort key."""
    edges = [Edge(cursor=encode_cursor(key(item)), node=node(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
