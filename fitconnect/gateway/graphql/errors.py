"""``DomainErrorCodes``: every GraphQL error carries a stable ``extensions.code``."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from fitconnect.errors import FitConnectError
from fitconnect.gateway.errors import code_of


class DomainErrorCodes(SchemaExtension):
    """Put a stable ``code`` in every error's ``extensions`` (INTERNAL errors are masked)."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        fixed = []
        for error in result.errors:
            original = error.original_error
            if isinstance(original, FitConnectError):
                code, _ = code_of(original)
                fixed.append(_with_code(error, str(original), code))
            elif original is not None and not isinstance(original, GraphQLError):
                fixed.append(_with_code(error, "internal error", "INTERNAL"))
            else:
                fixed.append(error)
        result.errors = fixed


def _with_code(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )
