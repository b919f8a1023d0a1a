"""``fitconnect gateway``: the GraphQL and REST API."""

from __future__ import annotations

from fitconnect.cli.common import not_built_yet


def gateway() -> None:
    """Serve GraphQL at /graphql and REST at /api/v1."""
    raise not_built_yet("the gateway", 6)
