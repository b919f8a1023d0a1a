"""What one GraphQL request may ask, checked before the work it asks for (code VALIDATION).

In order, each step only when the previous passed, so that a hostile document costs linear
time however it is built:

1. the document's shape (``shape.py``, each fragment measured once): operations per document,
   root fields per operation, mutations per request, depth, fields once fragments are
   expanded, and introspection where it is off;
2. the GraphQL validation rules, cached per document (graphql-core's overlapping-fields rule
   is quadratic in the fields of a selection set, hence the field limit first);
3. the cost with the request's variables (``cost.py``).

Before them, the parser stops at ``graphql_max_tokens`` tokens; each document text is parsed
once (syntax errors, code VALIDATION too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.validation.rules import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.execution import ExecutionContext

from fitconnect.gateway.graphql.cost import QueryCost
from fitconnect.gateway.graphql.shape import DocumentShape
from fitconnect.settings import GatewayLimitSettings

CACHED_DOCUMENTS = 256
"""Apps send the same few documents again and again: each is parsed, checked and validated
once."""


@dataclass(frozen=True, slots=True)
class GraphQLLimits:
    settings: GatewayLimitSettings
    introspection: bool

    def shape_errors(self, document: DocumentNode, operation_name: str | None) -> list[str]:
        """Why the document's shape is refused (empty: it is not)."""
        s = self.settings
        shape = DocumentShape(document)
        if len(shape.operations) > s.graphql_max_operations:
            return [
                f"{len(shape.operations):,} operations in one document; at most"
                f" {s.graphql_max_operations}"
            ]
        found = []
        for op in shape.operations:
            m, name = op.measure, op.name or "anonymous"
            if op.kind is OperationType.MUTATION and (
                operation_name is None or op.name == operation_name
            ):
                if m.top_fields > s.graphql_max_mutations:
                    found.append(
                        f"{m.top_fields:,} mutations in '{name}'; at most {s.graphql_max_mutations}"
                        " per request"
                    )
            elif m.top_fields > s.graphql_max_root_fields:
                found.append(
                    f"{m.top_fields:,} root fields in '{name}'; at most {s.graphql_max_root_fields}"
                )
            if m.depth > s.graphql_max_depth:
                found.append(f"'{name}' is {m.depth} levels deep; at most {s.graphql_max_depth}")
            if m.fields > s.graphql_max_fields:
                found.append(
                    f"'{name}' selects {m.fields:,} fields once its fragments are expanded;"
                    f" at most {s.graphql_max_fields:,}"
                )
            if m.introspects and not self.introspection:
                found.append("introspection is disabled on this server")
        return found

    def validation_rules(self) -> tuple[type[ASTValidationRule], ...]:
        return () if self.introspection else (NoSchemaIntrospectionCustomRule,)


def limits_extension(limits: GraphQLLimits) -> Callable[[], SchemaExtension]:
    """A factory of the schema extension that enforces ``limits`` (with the caches above)."""

    @lru_cache(maxsize=CACHED_DOCUMENTS)
    def checked(
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        refused = limits.shape_errors(document, operation_name)
        if refused:
            return [_validation_error(message) for message in refused]
        return list(validate_document(schema, document, rules + limits.validation_rules()))

    max_cost = limits.settings.graphql_max_cost

    @lru_cache(maxsize=CACHED_DOCUMENTS)
    def parsed(query: str) -> DocumentNode:
        return parse(query, max_tokens=limits.settings.graphql_max_tokens)

    class RequestLimits(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            ctx = self.execution_context
            if ctx.graphql_document is None and ctx.query:
                try:
                    ctx.graphql_document = parsed(ctx.query)
                except GraphQLError as exc:  # a syntax error, or too many tokens
                    raise GraphQLError(
                        exc.message,
                        source=exc.source,
                        positions=exc.positions,
                        extensions={"code": "VALIDATION"},
                    ) from exc
            yield

        def on_validate(self) -> Iterator[None]:
            ctx = self.execution_context
            document = ctx.graphql_document
            assert document is not None  # noqa: S101 - parsed before validation
            errors = checked(
                ctx.schema._schema, document, ctx.operation_name, tuple(ctx.validation_rules)
            )
            if not errors:
                errors = _cost_errors(ctx, document, max_cost)
            ctx.pre_execution_errors = errors
            yield

    return RequestLimits


def _cost_errors(
    ctx: ExecutionContext, document: DocumentNode, max_cost: int
) -> list[GraphQLError]:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = QueryCost(ctx.schema._schema, fragments, ctx.variables or {})
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        name = ctx.operation_name
        if name and operation.name and operation.name.value != name:
            continue
        if (found := cost.of(operation)) > max_cost:
            return [
                _validation_error(
                    f"query cost {found:,} exceeds the limit of {max_cost:,}:"
                    " ask for fewer points or items"
                )
            ]
    return []


def _validation_error(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "VALIDATION"})
