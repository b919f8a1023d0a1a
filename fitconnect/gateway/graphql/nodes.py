"""``node(id:)``: any object that implements ``Node`` (sessions, notifications) by its id."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from fitconnect.gateway.graphql.context import Info


@strawberry.type
class NodesQuery:
    @strawberry.field(description="The object with this id, if the caller may read it (else null).")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:  # noqa: A002 - Relay's name
        try:
            found: relay.Node | None = await id.resolve_node(info)
        except GlobalIDValueError:  # the id of a type that is no node
            return None
        return found
